package live

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
	"github.com/roombot/roombot/scenario"
)

// BenchmarkJoinRate plays fixtures/scenarios/join-rate.yaml (100 joins/s
// for 10 s into rooms of two, 180p VP8 + Opus, each bot staying about 2 s)
// against the reference service in a child process:
//
//	go test -run '^$' -bench '^BenchmarkJoinRate$' -benchtime 1x -v ./scenario/live/
//
// JOIN_RATE=N plays the same 10 s at N joins/s (N×10 bots), to find where
// a machine stops keeping up.
//
// Figures: the join rate achieved, from the entered (1018) timestamps in
// events.jsonl rather than from the plan (joins/s from the first entered
// to the last, and the slowest whole second between them), the rate the
// enter requests went out at (entered time minus join time: whether the
// generator itself kept the schedule), join time and time to first frame
// p95, the bots' and the service's CPU per join (each process's own
// user+sys), and the generator's health verdict. It fails when fewer than
// 95 % of the planned joins entered or no first frame arrived.
func BenchmarkJoinRate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		benchJoinRate(b)
	}
}

func benchJoinRate(b *testing.B) {
	srv := startServeChild(b)
	c := joinRateScenario(b)
	plan := onChild(b, c, srv)
	load0 := loadAvg()
	self0, serve0 := cpuSelf(), procCPU(srv.PID)
	out := filepath.Join(b.TempDir(), "run")
	o, err := Run(context.Background(), c, childOptions(out))
	if err != nil {
		b.Fatal(err)
	}
	self, serve := cpuSelf()-self0, procCPU(srv.PID)-serve0
	ds, err := reports.Load(out)
	if err != nil {
		b.Fatal(err)
	}
	jr := measureJoins(ds.Events)
	if jr.entered < len(plan.Users)*95/100 || len(jr.ttff) == 0 {
		b.Fatalf("%d of %d planned joins entered, %d first frames: the run did not carry", jr.entered, len(plan.Users), len(jr.ttff))
	}
	b.ReportMetric(jr.rate, "joins/s")
	b.ReportMetric(jr.slowest, "joins/s-slowest-second")
	b.ReportMetric(jr.requested, "requests/s")
	// A bot in a room of two receives its peer's audio and video: 2 first
	// frames each when both were in long enough.
	b.ReportMetric(float64(len(jr.ttff))/float64(jr.entered), "first-frames/bot")
	b.ReportMetric(summary.Percentile(jr.joinMs, 95), "join-p95-ms")
	b.ReportMetric(summary.Percentile(jr.ttff, 95), "ttff-p95-ms")
	b.ReportMetric(float64(self.Microseconds())/1000/float64(jr.entered), "bot-cpu-ms/join")
	b.ReportMetric(float64(serve.Microseconds())/1000/float64(jr.entered), "server-cpu-ms/join")
	h := o.Info.Health
	b.Logf("%d/%d entered (%d failed), %.1f joins/s from the first to the last entered (slowest second %.0f; requests went out at %.1f/s), join p50/p95 %.1f/%.1f ms, ttff p50/p95 %.0f/%.0f ms (%d tracks); "+
		"bots' CPU %.0f%% of a core on average over the run (max %.0f%%), service %.2f cores; media lag p99 %.1f ms, action lag p99 %.1f ms, overloaded %v %q; load average %s at start, %s at end",
		jr.entered, len(plan.Users), jr.failed, jr.rate, jr.slowest, jr.requested, summary.Percentile(jr.joinMs, 50), summary.Percentile(jr.joinMs, 95),
		summary.Percentile(jr.ttff, 50), summary.Percentile(jr.ttff, 95), len(jr.ttff),
		h.CPUPctAvg, h.CPUPctMax, serve.Seconds()/o.Info.Ended.Sub(o.Info.Started).Seconds(),
		h.MediaLagP99Ms, h.ActionLagP99Ms, h.Overloaded, h.Notes, load0, loadAvg())
	for _, ch := range o.Failed() {
		b.Logf("check failed: %s: %s", ch.Name, ch.Message)
	}
}

// joinFigures are what the run's events say about its joins.
type joinFigures struct {
	entered, failed int
	rate            float64 // entered per second between the first and the last entered
	requested       float64 // enter requests per second (entered time minus join time), first to last
	slowest         float64 // fewest entered in one whole second between them
	joinMs, ttff    []float64
}

// measureJoins reads the joins from the events: every entered (1018)
// event's time, its join time, and every first frame.
func measureJoins(evs []reports.Event) joinFigures {
	var f joinFigures
	var at, req []time.Time
	for _, e := range evs {
		switch e.Event {
		case reports.EvEntered:
			f.entered++
			at = append(at, e.Time)
			req = append(req, e.Time.Add(-time.Duration(e.Value*float64(time.Millisecond))))
			f.joinMs = append(f.joinMs, e.Value)
		case reports.EvEnterFailed:
			f.failed++
		case reports.EvFirstFrame:
			f.ttff = append(f.ttff, e.Value)
		}
	}
	slices.Sort(f.joinMs)
	slices.Sort(f.ttff)
	if len(at) < 2 {
		return f
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	span := at[len(at)-1].Sub(at[0])
	f.rate = float64(len(at)-1) / span.Seconds()
	slices.SortFunc(req, func(a, b time.Time) int { return a.Compare(b) })
	f.requested = float64(len(req)-1) / req[len(req)-1].Sub(req[0]).Seconds()
	// Whole seconds from the first entered on; the last partial one is left out.
	per := make([]int, int(span/time.Second))
	for _, t := range at {
		if k := int(t.Sub(at[0]) / time.Second); k < len(per) {
			per[k]++
		}
	}
	if len(per) > 0 {
		f.slowest = float64(slices.Min(per))
	}
	return f
}

// cpuSelf is this process's user+sys CPU time (getrusage).
func cpuSelf() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// joinRateScenario loads join-rate.yaml, at $JOIN_RATE joins/s when set:
// the rooms, the rate and the leaving spread scale together.
func joinRateScenario(b *testing.B) *scenario.Config {
	path := filepath.Join("..", "..", "fixtures", "scenarios", "join-rate.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if v := os.Getenv("JOIN_RATE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			b.Fatalf("JOIN_RATE=%q: want joins per second, 1–1000", v)
		}
		text := string(src)
		for _, r := range [][2]string{{"rooms: 500", fmt.Sprintf("rooms: %d", n*5)}, {"arrival: {rate: 100}", fmt.Sprintf("arrival: {rate: %d}", n)},
			{"spread: 9990ms", fmt.Sprintf("spread: %dms", 10000-1000/n)}} {
			if !strings.Contains(text, r[0]) {
				b.Fatalf("%s no longer has %q: update joinRateScenario", path, r[0])
			}
			text = strings.Replace(text, r[0], r[1], 1)
		}
		src = []byte(text)
	}
	c, err := scenario.Parse(path, src)
	if err != nil {
		b.Fatal(err)
	}
	return c
}
