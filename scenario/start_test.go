package scenario

import (
	"context"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

// TestRunnerStartAt: the timeline counts from the common instant, not
// from when Run was called, and every action fires on that timeline.
func TestRunnerStartAt(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, "duration: 1s\nrooms: 1\ngroups: [{name: g, count: 2}]\narrival: {rate: 4}\ntimeline: [{at: 600ms, action: mark, name: m}]\n")
	f := newFleet()
	sink := &memSink{}
	at := time.Now().Add(400 * time.Millisecond).Truncate(time.Millisecond)
	r, err := NewRunner(p, f.factory(0), WithSink(sink), WithStartAt(at))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Started.Equal(at) || res.StartLag < 0 {
		t.Errorf("started %v (lag %v), want %v", res.Started, res.StartLag, at)
	}
	var mark, runStart time.Time
	for _, e := range sink.events {
		switch e.Event {
		case reports.EvMark: // fired at Time, Value ms late: when it was due
			mark = e.Time.Add(-time.Duration(e.Value * float64(time.Millisecond)))
		case reports.EvRunStart:
			runStart = e.Time
		}
	}
	if !runStart.Equal(at) {
		t.Errorf("run_start at %v, want the common start %v", runStart, at)
	}
	if d := mark.Sub(at); d < 599*time.Millisecond || d > 601*time.Millisecond {
		t.Errorf("mark due %v after the common start, want 600 ms", d)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.calls {
		if c.what == "start" && c.user == "g-2" {
			if d := c.at.Sub(at); d < 250*time.Millisecond {
				t.Errorf("g-2 joined %v after the common start, before its 250 ms (arrival rate 4/s)", d)
			}
		}
	}
}
