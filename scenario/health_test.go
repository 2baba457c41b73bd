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
	h.mediaLagEvery = func() (float64, float64) { return lag, 2 * lag }
	t0 := time.Now()
	h.tick(t0.Add(time.Second), 10)
	if len(got) != 0 {
		t.Fatalf("5 ms pacing lag raised %+v", got)
	}
	lag = 35
	h.tick(t0.Add(2*time.Second), 10)
	h.tick(t0.Add(3*time.Second), 10) // once only
	if len(got) != 1 || got[0].Event != reports.EvOverload || !strings.Contains(got[0].Message, "media packets sent 35.0 ms late") {
		t.Fatalf("overload events %+v, want one naming the media pacing lag", got)
	}
}
