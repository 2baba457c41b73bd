package janus_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
	"golang.org/x/sync/errgroup"
)

// cpuTime is the user+system CPU time of this process (pid 0) or another
// one (/proc/PID/stat).
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

// vethPackets is what crossed the test host's veth pair (both directions,
// as the kernel counts them): every media packet between bots and Janus.
func vethPackets(ifname string) uint64 {
	var n uint64
	for _, d := range []string{"rx_packets", "tx_packets"} {
		b, _ := os.ReadFile("/sys/class/net/" + ifname + "/statistics/" + d)
		v, _ := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		n += v
	}
	return n
}

// BenchmarkBotsOnJanus measures what roombot's bots cost against a real
// Janus (test host in a network namespace), with the figures peers.md uses
// for lk load-test: bot CPU per media packet (bot CPU ÷ packets on the
// veth pair, counted by the kernel), vCPU and RSS per participant, and
// Janus's CPU. Rooms of P publishers (180p VP8 + Opus) and S audience
// members, each receiving the room's publishers. The bots run in this
// process, Janus in its own, so each figure is one process's. Run:
//
//	go test -run '^$' -bench BenchmarkBotsOnJanus -benchtime 1x ./signaling/janus/
//
// ROOMBOT_JANUS_BENCH=rooms:pubs:subs:window changes the size (default
// 2:5:5:30s: 10 + 10 participants).
func BenchmarkBotsOnJanus(b *testing.B) {
	rooms, pubs, subs, window := 2, 5, 5, 30*time.Second
	if v := os.Getenv("ROOMBOT_JANUS_BENCH"); v != "" {
		f := strings.Split(v, ":")
		if len(f) != 4 {
			b.Fatalf("ROOMBOT_JANUS_BENCH=%q: want rooms:pubs:subs:window", v)
		}
		var err error
		for i, p := range []*int{&rooms, &pubs, &subs} {
			if *p, err = strconv.Atoi(f[i]); err != nil || *p < 0 {
				b.Fatalf("ROOMBOT_JANUS_BENCH=%q: %q is not a count", v, f[i])
			}
		}
		if window, err = time.ParseDuration(f[3]); err != nil || window <= 0 {
			b.Fatalf("ROOMBOT_JANUS_BENCH=%q: bad window %q", v, f[3])
		}
	}
	b.Run(fmt.Sprintf("rooms=%d/pubs=%d/subs=%d", rooms, pubs, subs), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			benchJanus(b, rooms, pubs, subs, window)
		}
	})
}

func benchJanus(b *testing.B, rooms, pubs, subs int, window time.Duration) {
	e := newEnv(b)
	runtime.GC()
	rss0 := rssBytes()
	var measuring atomic.Bool
	var samples, lost atomic.Int64
	var rxPackets, txPackets atomic.Uint64
	sink := reports.SinkFunc{Sample: func(s reports.Sample) {
		if measuring.Load() {
			samples.Add(1)
			lost.Add(s.RxLost)
			rxPackets.Add(s.RxPackets)
			txPackets.Add(s.TxPackets)
		}
	}}
	var bots []*bot.Bot
	for r := 0; r < rooms; r++ {
		for i := 0; i < pubs+subs; i++ {
			cfg := bot.Config{SDKAppID: 1400000001, SecretKey: "test-secret-key-test-secret-key!", RoomID: uint32(3000 + r),
				UserID: fmt.Sprintf("p%d-%d", r, i), Media: bot.MediaConfig{Resolution: "180p"}}
			if i >= pubs {
				cfg.UserID, cfg.Role = fmt.Sprintf("s%d-%d", r, i), signaling.RoleAudience
			}
			bt, err := bot.New(cfg, bot.WithDriver(e.drv), bot.WithSink(sink), bot.WithHost(e.host))
			if err != nil {
				b.Fatal(err)
			}
			bots = append(bots, bt)
		}
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		g := errgroup.Group{}
		g.SetLimit(8)
		for _, bt := range bots {
			g.Go(func() error { return bt.Stop(ctx) })
		}
		_ = g.Wait()
	}()
	joinStart := time.Now()
	for _, bt := range bots { // 5 joins per second, as lk load-test
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := bt.Start(ctx)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	joined := time.Since(joinStart)
	time.Sleep(10 * time.Second) // settle; nothing to wait on but time
	measuring.Store(true)
	var load0 [3]float64
	_, _ = fmt.Sscan(readFile("/proc/loadavg"), &load0[0], &load0[1], &load0[2])
	c0, j0, p0, t0 := cpuTime(0), cpuTime(e.jh.PID), vethPackets(e.jh.HostIf), time.Now()
	time.Sleep(window)
	c1, j1, p1, el := cpuTime(0), cpuTime(e.jh.PID), vethPackets(e.jh.HostIf), time.Since(t0)
	measuring.Store(false)
	rss1 := rssBytes()
	n := float64(len(bots))
	pkts := float64(p1 - p0)
	if rxPackets.Load() == 0 || pkts == 0 {
		b.Fatalf("no media (%d rx packets, %.0f on the veth): the cost figures would be meaningless", rxPackets.Load(), pkts)
	}
	botCPU := float64(c1-c0) / float64(el) // cores
	usPerPkt := float64(c1-c0) / float64(time.Microsecond) / pkts
	b.ReportMetric(usPerPkt, "µs/packet")
	b.ReportMetric(botCPU/n, "vCPU/participant")
	b.ReportMetric((rss1-rss0)/n/1e6, "MB/participant")
	b.ReportMetric(float64(j1-j0)/float64(el), "janus-cores")
	b.Logf("%d participants (%d rooms × %d publishers + %d audience): bots %.3f cores (%.4f vCPU each), RSS +%.1f MB (%.2f MB each), "+
		"%.0f packets/s on the veth (%.1f µs of bot CPU per packet), Janus %.3f cores; bots' samples: rx %d tx %d packets, loss %.2f %%; "+
		"joined in %v; machine load average %.1f at the window's start",
		len(bots), rooms, pubs, subs, botCPU, botCPU/n, (rss1-rss0)/1e6, (rss1-rss0)/n/1e6, pkts/el.Seconds(), usPerPkt,
		float64(j1-j0)/float64(el), rxPackets.Load(), txPackets.Load(),
		100*float64(lost.Load())/float64(max(int64(rxPackets.Load())+lost.Load(), 1)), joined.Round(time.Millisecond), load0[0])
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}
