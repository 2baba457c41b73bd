package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The benchmark runs the server in a child process (this test binary
// re-executed as TestBenchServerProcess) so that its CPU is measured alone,
// from /proc, while the clients run here.

const benchServerEnv = "ROOMBOT_BENCH_SERVER"

// TestBenchServerProcess is the child: it serves until stdin closes.
func TestBenchServerProcess(t *testing.T) {
	if os.Getenv(benchServerEnv) == "" {
		t.Skip("only run as the benchmark's server process")
	}
	s, err := Start(context.Background(), Config{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("URL %s %s\n", s.URL(), s.SignalURL())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = s.Close()
}

// cpuTicks returns utime+stime of pid in clock ticks (USER_HZ = 100).
func cpuTicks(b *testing.B, pid int) int64 {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

func metric(b *testing.B, base, name string) float64 {
	b.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			x, _ := strconv.ParseFloat(v, 64)
			return x
		}
	}
	b.Fatalf("metric %s missing", name)
	return 0
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkForward: ROOMS rooms (default 10), each with one publisher
// (VP8-sized video 1000 B × 60 pps ≈ 480 kbit/s + Opus-sized audio 100 B × 50 pps)
// and SUBS subscribers (default 4), for WINDOW seconds (default 5). Reports the
// server process's CPU (% of one core) per forwarded Mbit/s and per participant.
func BenchmarkForward(b *testing.B) {
	rooms, subs, window := envInt("ROOMS", 10), envInt("SUBS", 4), envInt("WINDOW", 5)
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServerProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), benchServerEnv+"=1")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(stdout)
	var base, signal string
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "URL" {
			base, signal = f[1], f[2]
			break
		}
	}
	if base == "" {
		b.Fatal("server process did not start")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	for i := 0; i < b.N; i++ {
		var pumps []*pump
		for r := 0; r < rooms; r++ {
			room := uint32(5000 + r)
			pub := mustJoinURL(b, signal, "pub", joinOpts{room: room, audio: true, video: true})
			pumps = append(pumps, startPump(b, pub.video, 60, 1000), startPump(b, pub.audio, 50, 100))
			for k := 0; k < subs; k++ {
				sub := mustJoinURL(b, signal, fmt.Sprintf("sub%d", k), joinOpts{room: room})
				for _, kind := range []string{"video", "audio"} {
					rt := sub.track("pub", kind)
					go func() {
						buf := make([]byte, 1500)
						for {
							if _, _, err := rt.Track.Read(buf); err != nil {
								return
							}
						}
					}()
				}
			}
		}
		b.ResetTimer()
		t0, by0 := cpuTicks(b, cmd.Process.Pid), metric(b, base, "roombot_forwarded_bytes_total")
		start := time.Now()
		time.Sleep(time.Duration(window) * time.Second) // the measurement window itself
		t1, by1 := cpuTicks(b, cmd.Process.Pid), metric(b, base, "roombot_forwarded_bytes_total")
		el := time.Since(start).Seconds()
		b.StopTimer()
		cpu := float64(t1-t0) / 100 / el * 100 // % of one core
		mbps := (by1 - by0) * 8 / el / 1e6
		if mbps <= 0 {
			b.Fatalf("nothing was forwarded in %.1f s: no cost per Mbit/s to report", el)
		}
		participants := float64(rooms * (1 + subs))
		b.ReportMetric(cpu, "cpu%")
		b.ReportMetric(mbps, "fwd-Mbit/s")
		b.ReportMetric(cpu/mbps, "cpu%/Mbit/s")
		b.ReportMetric(cpu/participants, "cpu%/participant")
		for _, p := range pumps {
			p.close()
		}
	}
}
