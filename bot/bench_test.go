package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/native"
	"golang.org/x/sync/errgroup"
)

// benchServerEnv makes the test binary a reference service (see
// runBenchServer): the benchmark runs the server in its own process so
// that the bots' CPU and memory are measured alone.
const benchServerEnv = "ROOMBOT_BENCH_SERVER"

// runBenchServer serves until stdin closes, printing the signal URL.
func runBenchServer() {
	srv, err := server.Start(context.Background(), server.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(srv.SignalURL())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = srv.Close()
	os.Exit(0)
}

// startBenchServer runs the reference service in a child process.
func startBenchServer(b *testing.B) (signalURL string, pid int) {
	b.Helper()
	line, pid := startChild(b, benchServerEnv)
	if !strings.HasPrefix(line, "ws://") {
		b.Fatalf("bench server: %q", line)
	}
	return line, pid
}

// startChild runs the test binary as the child role env selects and
// returns the first line it prints; closing its stdin (at cleanup) stops
// it.
func startChild(b *testing.B, env string) (line string, pid int) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	line, err = bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("%s child: %q, %v", env, line, err)
	}
	return strings.TrimSpace(line), cmd.Process.Pid
}

// cpuTime is the user+system CPU time of a process (/proc/PID/stat).
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ = 100
}

// serverPackets reads the reference service's own RTP counters from its
// metrics endpoint: packets it read from the bots (what they sent) and
// wrote to them (what they should receive). They are counted in the other
// process, so they check the bots' figures from outside.
func serverPackets(b *testing.B, signalURL string) (in, out uint64) {
	b.Helper()
	u := "http://" + strings.TrimSuffix(strings.TrimPrefix(signalURL, "ws://"), "/ws") + "/metrics"
	resp, err := http.Get(u)
	if err != nil {
		b.Fatalf("server metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatalf("server metrics: %v", err)
	}
	var seen int
	for _, l := range strings.Split(string(body), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		switch {
		case err != nil:
		case f[0] == "roombot_received_packets_total":
			in, seen = uint64(v), seen+1
		case f[0] == "roombot_forwarded_packets_total":
			out, seen = uint64(v), seen+1
		}
	}
	if seen != 2 {
		b.Fatalf("server metrics at %s: packet counters missing", u)
	}
	return in, out
}

// loPackets is what the kernel counted on the loopback interface (every
// datagram, RTP, RTCP and STUN, of this network namespace: exact only when
// the benchmark runs in its own, e.g. under `unshare -n`).
func loPackets() uint64 {
	b, _ := os.ReadFile("/sys/class/net/lo/statistics/tx_packets")
	v, _ := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	return v
}

// loadAvg is /proc/loadavg's first three fields (the machine's load).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// rssBytes is this process's resident set size.
func rssBytes() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			kb, _ := strconv.ParseFloat(strings.Fields(l)[1], 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkBots measures what a bot costs: N bots in rooms of ROOM_SIZE
// (default 2), each publishing 360p VP8 + Opus fixtures and receiving the
// others, against the reference service running in a child process. After
// all have entered and a settle time, it measures this process's CPU and
// RSS over a window and reports them per bot: CPU as a share of one core,
// RSS above the process's baseline before its first bot (fixture library
// and scheduler included, the server not). The server's CPU is reported
// apart. Run:
//
//	go test -run '^$' -bench BenchmarkBots -benchtime 1x ./bot/
//
// Knobs (environment): SEND_ONLY=1 (bots receive nothing: CPU per packet
// sent), BOTS (comma-separated sizes, default 50,100,200),
// ROOM_SIZE (bots per room, default 2), SETTLE (seconds before the window,
// default 3; RSS keeps growing for about a minute as buffers fill, so use
// ≥ 90 for settled memory figures), WINDOW (seconds, default 10). E.g.
//
//	BOTS=30 ROOM_SIZE=6 SETTLE=90 go test -run '^$' -bench BenchmarkBots -benchtime 1x -timeout 30m ./bot/
func BenchmarkBots(b *testing.B) {
	sizes := []int{50, 100, 200}
	if v := os.Getenv("BOTS"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("BOTS=%q: %q is not a positive number", v, f)
			}
			sizes = append(sizes, n)
		}
	}
	size, settle, window := benchEnv(b, "ROOM_SIZE", 2), benchEnv(b, "SETTLE", int(benchWarmup/time.Second)), benchEnv(b, "WINDOW", int(benchWindow/time.Second))
	for _, n := range sizes {
		b.Run(fmt.Sprintf("bots=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchBots(b, n, size, time.Duration(settle)*time.Second, time.Duration(window)*time.Second)
			}
		})
	}
}

// benchProfiles starts the profiles the environment asks for over the
// measuring window only (join and settle left out): WINDOW_CPUPROFILE=path
// writes a CPU profile of the window, HEAPPROFILE=path the heap in use at
// its end, while every bot still runs (go test's -memprofile is written
// after the bots have stopped). The returned func stops and writes them.
func benchProfiles(b *testing.B) func() {
	b.Helper()
	cpuPath, heapPath := os.Getenv("WINDOW_CPUPROFILE"), os.Getenv("HEAPPROFILE")
	var cpu *os.File
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatalf("WINDOW_CPUPROFILE: %v (not with go test -cpuprofile)", err)
		}
		cpu = f
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				b.Error(err)
			}
		}
		if heapPath != "" {
			f, err := os.Create(heapPath)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC() // up-to-date in-use figures
			if err := pprof.WriteHeapProfile(f); err != nil {
				b.Error(err)
			}
			if err := f.Close(); err != nil {
				b.Error(err)
			}
		}
	}
}

// startBenchBots starts bots, eight at a time, and returns what stops
// them all (call it deferred: a failed start stops those that started).
func startBenchBots(b *testing.B, bots []*Bot) (stop func()) {
	b.Helper()
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		g := errgroup.Group{}
		g.SetLimit(16)
		for _, bot := range bots {
			g.Go(func() error { return bot.Stop(ctx) })
		}
		_ = g.Wait()
	}
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(8)
	for _, bot := range bots {
		g.Go(func() error {
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			return bot.Start(ctx)
		})
	}
	if err := g.Wait(); err != nil {
		stop()
		b.Fatal(err)
	}
	return stop
}

// benchEnv reads a positive integer knob; a value that is not one is an error.
func benchEnv(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

var (
	benchBaseOnce sync.Once
	benchRSSBase  float64
)

const (
	benchWarmup = 3 * time.Second
	benchWindow = 10 * time.Second
)

func benchBots(b *testing.B, n, roomSize int, settle, window time.Duration) {
	// SEND_ONLY=1: the bots receive nothing (RecvNone), so the CPU per
	// packet is per packet sent; with the normal run it gives the cost per
	// packet received too.
	sendOnly := os.Getenv("SEND_ONLY") == "1"
	recvMode := DefaultRecvMode
	if sendOnly {
		recvMode = signaling.RecvNone
	}
	url, srvPid := startBenchServer(b)
	// As roombot run and join do: GOGC 50 unless the environment sets it.
	gcPercent, gcFromEnv := ApplyGCPercent()
	host, err := NewHost()
	if err != nil {
		b.Fatal(err)
	}
	defer host.Close()
	runtime.GC()
	// The baseline is the process before its first bot: a later size
	// would otherwise reuse the memory an earlier one freed and look
	// cheaper than it is.
	benchBaseOnce.Do(func() { benchRSSBase = rssBytes() })
	rss0 := benchRSSBase

	// Count what the bots receive during the window: the cost figures mean
	// something only if the media really flows.
	var measuring atomic.Bool
	var rxKbps, txKbps atomic.Uint64 // sums of per-sample kbps × 1000
	var samples, lost, plis atomic.Int64
	var rxExpected atomic.Uint64
	sink := reports.SinkFunc{Sample: func(s reports.Sample) {
		if measuring.Load() {
			samples.Add(1)
			lost.Add(s.RxLost)
			rxExpected.Add(s.RxExpected)
			plis.Add(int64(s.PLIs))
			rxKbps.Add(uint64(s.RxKbps * 1000))
			txKbps.Add(uint64(s.TxKbps * 1000))
		}
	}}
	bots := make([]*Bot, n)
	for i := range bots {
		bot, err := New(Config{SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey,
			UserID: fmt.Sprintf("u%d", i), RoomID: uint32(100 + i/roomSize), RecvMode: recvMode},
			WithDriver(native.New(url, native.WithLogger(slog.New(slog.DiscardHandler)))), WithHost(host), WithSink(sink))
		if err != nil {
			b.Fatal(err)
		}
		bots[i] = bot
	}
	joinStart := time.Now()
	defer startBenchBots(b, bots)()
	joined := time.Since(joinStart)
	rssJoined := rssBytes()
	time.Sleep(settle) // media reaches steady state; nothing to wait on but time
	measuring.Store(true)
	host.PacingLag() // reset: the window's lag only
	stopProfiles := benchProfiles(b)
	in0, out0 := serverPackets(b, url)
	lo0 := loPackets()
	c0, s0, t0 := cpuTime(0), cpuTime(srvPid), time.Now()
	rssSettled := rssBytes()
	time.Sleep(window)
	c1, s1, el := cpuTime(0), cpuTime(srvPid), time.Since(t0)
	stopProfiles()
	lo1 := loPackets()
	in1, out1 := serverPackets(b, url)
	measuring.Store(false)
	lag := host.PacingLag()
	ns := float64(max(samples.Load(), 1))
	rxMean, txMean := float64(rxKbps.Load())/1000/ns, float64(txKbps.Load())/1000/ns
	if samples.Load() == 0 || (rxMean == 0 && !sendOnly) || txMean == 0 {
		// A cost per bot means nothing if no media flowed.
		b.Fatalf("no media (%d samples, rx %.0f kbps, tx %.0f kbps): the cost figures would be meaningless", samples.Load(), rxMean, txMean)
	}
	// Media packets the bots handled, as the server counted them: every
	// RTP packet it read was sent by a bot, every one it wrote was
	// received by one.
	sent, recv := in1-in0, out1-out0
	if sent == 0 || (recv == 0) != sendOnly {
		b.Fatalf("the server counted %d RTP packets from the bots and %d to them in the window (send only: %v): not the media the figures are about", sent, recv, sendOnly)
	}
	rss1 := rssBytes()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	cpuPct := 100 * float64(c1-c0) / float64(el)
	srvPct := 100 * float64(s1-s0) / float64(el)
	b.ReportMetric(cpuPct/float64(n), "cpu%/bot")
	b.ReportMetric((rss1-rss0)/float64(n)/(1<<20), "MB/bot")
	b.ReportMetric(float64(c1-c0)/float64(time.Microsecond)/float64(sent+recv), "us/packet")
	b.ReportMetric(float64(sent+recv)/el.Seconds()/float64(n), "packets/s/bot")
	b.ReportMetric(cpuPct, "cpu%")
	b.ReportMetric(srvPct, "server-cpu%")
	b.ReportMetric(rss1/(1<<20), "rss-MB")
	b.ReportMetric(joined.Seconds(), "join-s")
	b.ReportMetric(rxMean, "rx-kbps/bot")
	b.Logf("%d bots in rooms of %d, settle %v, window %v: RSS +%.2f MB/bot when all had entered, +%.2f MB/bot after the settle, +%.2f MB/bot after the window; GC target %d %% (from GOGC: %v); load average at the end %s",
		n, roomSize, settle, window, (rssJoined-rss0)/float64(n)/(1<<20), (rssSettled-rss0)/float64(n)/(1<<20), (rss1-rss0)/float64(n)/(1<<20), gcPercent, gcFromEnv, loadAvg())
	b.Logf("%d bots: server counted %d RTP packets sent and %d received by the bots (%.0f/s per bot), lo %d datagrams; %.2f µs of bot CPU per media packet",
		n, sent, recv, float64(sent+recv)/el.Seconds()/float64(n), lo1-lo0, float64(c1-c0)/float64(time.Microsecond)/float64(sent+recv))
	b.Logf("%d bots: bots' process %.1f%% of a core (%.3f%%/bot), RSS %.0f MB (+%.2f MB/bot, heap in use %.0f MB), "+
		"server process %.1f%%, %d goroutines, all entered in %v; per bot and second: tx %.0f kbps, rx %.0f kbps (%d samples); "+
		"rx loss %.2f%%, %d PLIs sent; pacing lag p99 %v max %v, %d schedule restarts",
		n, cpuPct, cpuPct/float64(n), rss1/(1<<20), (rss1-rss0)/float64(n)/(1<<20), float64(ms.HeapInuse)/(1<<20),
		srvPct, runtime.NumGoroutine(), joined.Round(time.Millisecond), txMean, rxMean, samples.Load(),
		100*float64(lost.Load())/float64(max(rxExpected.Load(), 1)), plis.Load(),
		lag.P99.Round(time.Microsecond), lag.Max.Round(time.Microsecond), lag.Rebases)
}
