package live

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/signaling/livekit/lktest"
)

// BenchmarkLiveKit plays publishers + subscribers against livekit-server at
// the topologies of lk load-test's figures (field notes): 180p VP8 + Opus,
// 5 joins/s, a 60 s window after the joins settle. Each room holds 5
// publishers and 5 subscribers, so a subscriber takes 5 publishers' audio
// and video (10 tracks; lk's speaker layout takes 6, 12 tracks), and the
// publishers take each other's (8 tracks): the "rooms" layout. The "lk"
// layout is lk load-test's: rooms of 6 publishers that receive nothing
// (recvmode none) and 6 subscribers that take all 6 (12 tracks), at 18 + 18
// and 48 + 48, the nearest multiples of 6 to lk's 20 + 20 and 50 + 50.
//
//	make bench-livekit
//
// Figures: bot CPU (user+sys of this process) per RTP packet the bots sent
// or received (their own counters: on a shared machine other processes'
// loopback traffic makes /proc/net/dev's lo count useless, it is reported
// too), vCPU and RSS per participant, server cores.
func BenchmarkLiveKit(b *testing.B) {
	for _, l := range []struct {
		layout       string
		n, perRoom   int
		pubsRecvMode string
	}{
		{"rooms", 20, 5, "all"}, {"rooms", 50, 5, "all"},
		{"lk", 18, 6, "none"}, {"lk", 48, 6, "none"},
	} {
		b.Run(fmt.Sprintf("layout=%s/pubs=%d+subs=%d", l.layout, l.n, l.n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchLiveKit(b, l.n, l.perRoom, l.pubsRecvMode)
			}
		})
	}
}

func benchLiveKit(b *testing.B, n, perRoom int, pubsRecvMode string) {
	const settle, window = 15 * time.Second, 60 * time.Second
	srv := lktest.Start(b)
	joins := time.Duration(2*n) * time.Second / 5
	start := joins + settle
	src := fmt.Sprintf(`name: bench-livekit-%d
duration: %s
rooms: %d
arrival: {rate: 5}
groups:
  - {name: pub, per_room: %d, recvmode: %s, media: {codec: vp8, resolution: 180p}}
  - {name: sub, per_room: %d, role: audience}
timeline:
  - {at: %s, action: mark, name: window}
  - {at: %s, action: mark, name: window-end}
`, n, start+window+2*time.Second, n/perRoom, perRoom, pubsRecvMode, perRoom, start, start+window)
	c, err := scenario.Parse("bench.yaml", []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	if err := c.OverrideTarget("livekit", srv.URL); err != nil {
		b.Fatal(err)
	}
	env := map[string]string{DefaultLiveKitKeyEnv: srv.Key, DefaultLiveKitSecretEnv: srv.Secret}
	type point struct {
		at          time.Time
		self, serve time.Duration
		lo          uint64
		rss         uint64
	}
	take := func() point {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return point{at: time.Now(), self: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), serve: procCPU(srv.PID()), lo: loPackets(), rss: selfRSS()}
	}
	points := make(chan point, 2)
	t0 := time.Now()
	go func() {
		time.Sleep(time.Until(t0.Add(start)))
		points <- take()
		time.Sleep(time.Until(t0.Add(start + window)))
		points <- take()
	}()
	out := filepath.Join(b.TempDir(), "run")
	o, err := Run(context.Background(), c, Options{Out: out, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		b.Fatal(err)
	}
	p0, p1 := <-points, <-points
	ds, err := reports.Load(out)
	if err != nil {
		b.Fatal(err)
	}
	var pkts uint64
	for _, s := range ds.Samples {
		if s.Time.After(p0.at) && !s.Time.After(p1.at) {
			pkts += s.TxPackets + s.RxPackets
		}
	}
	if pkts == 0 || p1.lo == p0.lo {
		b.Fatalf("no media flowed in the window: the bots counted %d RTP packets, lo %d datagrams", pkts, p1.lo-p0.lo)
	}
	wall := p1.at.Sub(p0.at)
	cpu := p1.self - p0.self
	parts := float64(2 * n)
	b.ReportMetric(float64(cpu.Microseconds())/float64(pkts), "µs/pkt")
	b.ReportMetric(float64(cpu.Microseconds())/float64(p1.lo-p0.lo), "µs/lo-pkt") // lk load-test's definition (field notes)
	b.ReportMetric(cpu.Seconds()/wall.Seconds()/parts, "vCPU/participant")
	b.ReportMetric(float64(p1.rss)/1e6/parts, "MB-RSS/participant")
	b.ReportMetric((p1.serve-p0.serve).Seconds()/wall.Seconds(), "server-cores")
	b.ReportMetric(float64(pkts)/wall.Seconds(), "bot-pkts/s")
	b.ReportMetric(float64(p1.lo-p0.lo)/wall.Seconds(), "lo-pkts/s")
	h := o.Info.Health
	b.Logf("health: cpu avg %.0f%% max %.0f%%, media lag p99 %.1f ms, overloaded %v %v; load %s", h.CPUPctAvg, h.CPUPctMax, h.MediaLagP99Ms, h.Overloaded, h.Notes, loadAvg())
}

// procCPU is user+sys time of process pid (/proc/PID/stat, clock ticks of 10 ms).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// loPackets is the loopback interface's received packets (/proc/net/dev).
func loPackets() uint64 {
	f, err := os.Open("/proc/net/dev")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, rest, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":"); ok && name == "lo" {
			if fs := strings.Fields(rest); len(fs) > 1 {
				n, _ := strconv.ParseUint(fs[1], 10, 64)
				return n
			}
		}
	}
	return 0
}

// selfRSS is this process's resident set size in bytes.
func selfRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b))
}
