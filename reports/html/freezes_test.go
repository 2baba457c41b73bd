package html

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// TestFreezesOneCount: the report's totals, its users table and its
// freezes chart show the summary's count, freeze_start events, also for a
// freeze still ongoing at the end that no sample counted (issue 8, item 9).
// scenario's TestFreezesOneCount checks the assertion against the summary.
func TestFreezesOneCount(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	ev := func(s float64, user, name string) reports.Event {
		return reports.Event{Time: at(s), User: user, Room: "1", Kind: reports.KindMedia, Event: name, Remote: "x", Track: "video", Value: 500}
	}
	d := &reports.Dataset{Info: reports.RunInfo{Started: t0, Ended: at(30)}, Events: []reports.Event{
		ev(5, "u1", reports.EvFreezeStart), ev(5.5, "u1", reports.EvFreezeEnd),
		ev(12, "u1", reports.EvFreezeStart), ev(12.5, "u1", reports.EvFreezeEnd),
		ev(20, "u2", reports.EvFreezeStart),
	}}
	for s := 1; s < 30; s++ {
		for _, u := range []string{"u1", "u2"} {
			smp := reports.Sample{Time: at(float64(s)), User: u, Room: "1", RxPackets: 50}
			if u == "u1" && (s == 6 || s == 13) {
				smp.Freezes = 1
			}
			d.Samples = append(d.Samples, smp)
		}
	}
	sum := summary.Compute(d)
	if sum.Stats.FreezeN != 3 {
		t.Fatalf("summary counts %d freezes, want 3", sum.Stats.FreezeN)
	}
	pl := freezesPlot(d, len(d.Samples), newAxis(t0, at(30)), nil)
	bars := 0.0
	for _, l := range pl.layers {
		for _, y := range l.y {
			bars += y
		}
	}
	if bars != 3 {
		t.Errorf("freezes chart draws %v freezes, want 3", bars)
	}
	var b bytes.Buffer
	if err := Write(&b, d, sum); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "3 freezes (1 not ended when the run stopped)") {
		t.Errorf("totals line does not say 3 freezes, 1 not ended")
	}
}
