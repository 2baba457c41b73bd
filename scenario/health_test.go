package scenario

import (
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

func TestHealthNotes(t *testing.T) {
	t.Parallel()
	rs := &runState{now: time.Now, sink: reports.Discard}
	h := newHealth(time.Now, rs, func() (float64, float64) { return 35, 120 })
	for range 99 {
		h.actionLag(time.Millisecond)
	}
	h.actionLag(50 * time.Millisecond)
	h.actionLag(60 * time.Millisecond)
	got := h.result(time.Now())
	if !got.Overloaded || got.ActionLagMaxMs != 60 || got.ActionLagP99Ms != 50 || got.MediaLagP99Ms != 35 || got.Cores == 0 {
		t.Fatalf("health = %+v", got)
	}
	all := strings.Join(got.Notes, "\n")
	for _, want := range []string{"actions fired late, p99 50.0 ms and max 60.0 ms", "pacing lag p99 35.0 ms and max 120.0 ms"} {
		if !strings.Contains(all, want) {
			t.Errorf("notes lack %q:\n%s", want, all)
		}
	}
	h2 := newHealth(time.Now, rs, nil)
	h2.actionLag(2 * time.Millisecond)
	if ok := h2.result(time.Now()); ok.Overloaded || len(ok.Notes) != 0 {
		t.Errorf("healthy run reported %+v", ok)
	}
	// A passing overload seen by the per-second watch: the notes say
	// when and what, not only a verdict.
	h3 := newHealth(time.Now, rs, nil)
	h3.actionLag(2 * time.Millisecond)
	h3.overload, h3.overloadWhy = true, "at 12s: actions fired 14.2 ms late"
	got3 := h3.result(time.Now())
	if all := strings.Join(got3.Notes, "\n"); !got3.Overloaded || !strings.Contains(all, "briefly overloaded at 12s: actions fired 14.2 ms late") {
		t.Errorf("passing overload: %+v", got3)
	}
}

// TestOverloadEventOnMediaLag: the live overload event fires on media
// pacing lag too, not only CPU and action lag (issue 8, item 32): packets
// sent late are roombot's jitter and freezes, and the run must say so when
// it happens, not only in the final notes.
func TestOverloadEventOnMediaLag(t *testing.T) {
	t.Parallel()
	var got []reports.Event
	rs := &runState{now: time.Now, sink: reports.SinkFunc{Event: func(e reports.Event) { got = append(got, e) }}}
	lag := 5.0
	h := newHealth(time.Now, rs, nil)
	h.mediaLagEvery = func() (float64, float64, int64) { return lag, 2 * lag, 30 }
	t0 := time.Now()
	h.tick(t0.Add(time.Second), 10)
	if overloads(got) != 0 {
		t.Fatalf("5 ms pacing lag raised %+v", got)
	}
	lag = 35
	h.tick(t0.Add(2*time.Second), 10)
	h.tick(t0.Add(3*time.Second), 10) // once only
	var ov []reports.Event
	for _, e := range got {
		if e.Event == reports.EvOverload {
			ov = append(ov, e)
		}
	}
	if len(ov) != 1 || !strings.Contains(ov[0].Message, "media packets sent 35.0 ms late") {
		t.Fatalf("overload events %+v, want one naming the media pacing lag", ov)
	}
}

func overloads(evs []reports.Event) int {
	n := 0
	for _, e := range evs {
		if e.Event == reports.EvOverload {
			n++
		}
	}
	return n
}

// TestHealthEventsEachSecond: every second the generator writes its CPU,
// and its action and media pacing lag when it has them, so the report can
// draw its health over time.
func TestHealthEventsEachSecond(t *testing.T) {
	t.Parallel()
	var got []reports.Event
	rs := &runState{now: time.Now, sink: reports.SinkFunc{Event: func(e reports.Event) { got = append(got, e) }}}
	h := newHealth(time.Now, rs, nil)
	frames := int64(0)
	h.mediaLagEvery = func() (float64, float64, int64) { return 4, 9, frames }
	t0 := time.Now()
	h.tick(t0, 37) // no actions, no frames: CPU only
	h.actionLag(3 * time.Millisecond)
	frames = 300
	h.tick(t0.Add(time.Second), 41)
	want := []struct {
		name string
		v    float64
	}{{reports.EvHealthCPU, 37}, {reports.EvHealthCPU, 41}, {reports.EvHealthActionLag, 3}, {reports.EvHealthMediaLag, 4}}
	if len(got) != len(want) {
		t.Fatalf("events %+v", got)
	}
	for i, w := range want {
		if got[i].Kind != reports.KindHealth || got[i].Event != w.name || got[i].Value != w.v {
			t.Errorf("event %d: %+v, want %s = %v", i, got[i], w.name, w.v)
		}
	}
}
