package scenario

import (
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// freezeDataset has three freezes: two of u1 that ended (their samples
// count them at the end) and one of u2 still ongoing when the run ended
// (a freeze_start with no freeze_end, in no sample).
func freezeDataset(t0 time.Time) *reports.Dataset {
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	ev := func(s float64, user, name string, v float64) reports.Event {
		return reports.Event{Time: at(s), User: user, Room: "1", Kind: reports.KindMedia, Event: name, Remote: "x", Track: "video", Value: v}
	}
	ds := &reports.Dataset{Info: reports.RunInfo{Started: t0, Ended: at(30)}}
	ds.Events = []reports.Event{
		ev(5, "u1", reports.EvFreezeStart, 0), ev(5.6, "u1", reports.EvFreezeEnd, 600),
		ev(12, "u1", reports.EvFreezeStart, 0), ev(12.4, "u1", reports.EvFreezeEnd, 400),
		ev(20, "u2", reports.EvFreezeStart, 0),
	}
	for s := 1; s < 30; s++ {
		for _, u := range []string{"u1", "u2"} {
			smp := reports.Sample{Time: at(float64(s)), User: u, Room: "1", RxPackets: 50}
			if u == "u1" && (s == 6 || s == 13) {
				smp.Freezes = 1
			}
			ds.Samples = append(ds.Samples, smp)
		}
	}
	return ds
}

// TestFreezesOneCount: the freezes assertion and summary.json count the
// same freezes (issue 8, item 9: a capacity run had 1,299 freeze_start
// against 1,199 "freezes" in the summary, which summed samples).
func TestFreezesOneCount(t *testing.T) {
	t.Parallel()
	ds := freezeDataset(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c, err := Parse("f.yaml", []byte("duration: 30s\nrooms: 1\ngroups: [{name: u, count: 2}]\nassertions:\n  - {name: f, metric: freezes, expect: \"count == 3\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	checks := Evaluate(c, ds)
	sum := summary.Compute(ds)
	if len(checks) != 1 || !checks[0].Passed || checks[0].Observed != 3 {
		t.Errorf("freezes assertion: %+v, want count 3", checks)
	}
	if sum.Stats.FreezeN != 3 || sum.Stats.FreezesUnended != 1 {
		t.Errorf("summary freezes %d (unended %d), want 3 (1)", sum.Stats.FreezeN, sum.Stats.FreezesUnended)
	}
	var u1, u2 int
	for _, u := range sum.Users {
		switch u.User {
		case "u1":
			u1 = u.Stats.FreezeN
		case "u2":
			u2 = u.Stats.FreezeN
		}
	}
	if u1 != 2 || u2 != 1 {
		t.Errorf("per user freezes u1 %d u2 %d, want 2 and 1", u1, u2)
	}
}
