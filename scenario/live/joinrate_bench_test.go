package live

import (
	"context"
	"path/filepath"
	"slices"
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
// Figures: the join rate achieved, from the entered (1018) timestamps in
// events.jsonl rather than from the plan (joins/s over the steady window,
// and the slowest whole second in it), join time and time to first frame
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
	c, err := scenario.Load(filepath.Join("..", "..", "fixtures", "scenarios", "join-rate.yaml"))
	if err != nil {
		b.Fatal(err)
	}
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
	b.ReportMetric(summary.Percentile(jr.joinMs, 95), "join-p95-ms")
	b.ReportMetric(summary.Percentile(jr.ttff, 95), "ttff-p95-ms")
	b.ReportMetric(float64(self.Microseconds())/1000/float64(jr.entered), "bot-cpu-ms/join")
	b.ReportMetric(float64(serve.Microseconds())/1000/float64(jr.entered), "server-cpu-ms/join")
	h := o.Info.Health
	b.Logf("%d/%d entered (%d failed), %.1f joins/s over the steady window (slowest second %.0f), join p50/p95 %.1f/%.1f ms, ttff p50/p95 %.0f/%.0f ms (%d tracks); "+
		"bots' CPU %.0f%% of a core on average over the run (max %.0f%%), service %.2f cores; media lag p99 %.1f ms, action lag p99 %.1f ms, overloaded %v %q; load average %s at start, %s at end",
		jr.entered, len(plan.Users), jr.failed, jr.rate, jr.slowest, summary.Percentile(jr.joinMs, 50), summary.Percentile(jr.joinMs, 95),
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
	slowest         float64 // fewest entered in one whole second between them
	joinMs, ttff    []float64
}

// measureJoins reads the joins from the events: every entered (1018)
// event's time, its join time, and every first frame.
func measureJoins(evs []reports.Event) joinFigures {
	var f joinFigures
	var at []time.Time
	for _, e := range evs {
		switch e.Event {
		case reports.EvEntered:
			f.entered++
			at = append(at, e.Time)
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
