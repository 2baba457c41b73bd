package summary

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/roombot/roombot/reports"
)

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func TestPercentile(t *testing.T) {
	t.Parallel()
	v := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, c := range []struct{ p, want float64 }{{50, 5}, {95, 10}, {99, 10}, {10, 1}, {11, 2}, {100, 10}, {0, 1}} {
		if got := Percentile(v, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("empty percentile not 0")
	}
	d := NewDist([]float64{3, math.NaN(), 1, 2})
	if d != (Dist{N: 3, Avg: 2, Min: 1, Max: 3, P50: 2, P95: 3, P99: 3}) {
		t.Errorf("NewDist = %+v", d)
	}
	if NewDist(nil) != (Dist{}) {
		t.Error("empty Dist not zero")
	}
}

func ptr(f float64) *float64 { return &f }

// fixture: room 1001 with u1,u2 entered; u3 failed with -100018 in room 1002.
func fixture() *reports.Dataset {
	ev := func(sec int, user, room, name string, code int, v float64) reports.Event {
		return reports.Event{Time: t0.Add(time.Duration(sec) * time.Second), User: user, Room: room, Kind: reports.KindRoom, Event: name, Code: code, Value: v}
	}
	d := &reports.Dataset{Info: reports.RunInfo{Name: "t", Started: t0, Ended: t0.Add(10 * time.Second),
		Health: reports.Health{CPUPctAvg: 40, Cores: 2},
		Checks: []reports.Check{{Name: "join", Passed: true}, {Name: "loss", Passed: false, Message: "expected p(95) < 1%, measured 3%"}}}}
	d.Events = []reports.Event{
		ev(0, "u1", "1001", reports.EvEntered, 1018, 100),
		ev(0, "u2", "1001", reports.EvEntered, 1018, 300),
		ev(1, "u3", "1002", reports.EvEnterFailed, -100018, 50),
		ev(2, "u1", "1001", reports.EvFirstFrame, 0, 400),
		ev(2, "u1", "1001", reports.EvFreezeStart, 0, 0),
		ev(3, "u1", "1001", reports.EvFreezeEnd, 0, 700),
		{Time: t0.Add(4 * time.Second), Kind: reports.KindRun, Event: reports.EvDropped, Value: 3, Message: "writer dropped 3 lines"},
	}
	d.Samples = []reports.Sample{
		{Time: t0.Add(1 * time.Second), User: "u1", Room: "1001", TxKbps: 100, RxKbps: 10, RTTMs: ptr(20), RxPackets: 90, RxExpected: 100, RxLost: 10, Freezes: 1},
		{Time: t0.Add(1 * time.Second), User: "u2", Room: "1001", TxKbps: 300, RxKbps: 30},
		{Time: t0.Add(2 * time.Second), User: "u1", Room: "1001", TxKbps: 200, RxKbps: 20, RTTMs: ptr(40), RxPackets: 100, RxExpected: 100},
	}
	return d
}

func TestCompute(t *testing.T) {
	t.Parallel()
	s := Compute(fixture())
	if s.Run.Users != 3 || s.Run.Rooms != 2 || s.Run.DurationS != 10 {
		t.Errorf("run = %+v", s.Run)
	}
	j := s.Joins
	if j.Attempts != 3 || j.Entered != 2 || j.Failed != 1 || j.Rate == nil || *j.Rate != 2.0/3 {
		t.Errorf("joins = %+v", j)
	}
	if j.JoinMs != (Dist{N: 2, Avg: 200, Min: 100, Max: 300, P50: 100, P95: 300, P99: 300}) || j.TTFFMs.N != 1 {
		t.Errorf("join dists = %+v %+v", j.JoinMs, j.TTFFMs)
	}
	st := s.Stats
	if st.Samples != 3 || st.TxKbps.Avg != 200 || st.RTTMs.N != 2 || st.RTTMs.Max != 40 || st.FreezeN != 1 || st.FreezeDur.Max != 700 {
		t.Errorf("stats = %+v", st)
	}
	if st.RxLossRate == nil || math.Abs(*st.RxLossRate-5) > 1e-9 { // 10 lost of 200
		t.Errorf("loss rate = %v", st.RxLossRate)
	}
	want := []CodeCount{{Code: -100018, Text: "userSig check failed", Count: 1, Error: true}, {Code: 1018, Text: "entered room", Count: 2}}
	if diff := cmp.Diff(want, s.Events.ByCode); diff != "" {
		t.Errorf("by code (-want +got):\n%s", diff)
	}
	if s.Events.Errors != 1 {
		t.Errorf("errors = %d", s.Events.Errors)
	}
	if len(s.Rooms) != 2 || s.Rooms[0].Room != "1001" || s.Rooms[0].Users != 2 || s.Rooms[0].Stats.Samples != 3 || s.Rooms[1].Joins.Failed != 1 {
		t.Errorf("rooms = %+v", s.Rooms)
	}
	if len(s.Users) != 3 || s.Users[0].User != "u1" || s.Users[0].Stats.Samples != 2 || s.Users[2].Errors != 1 {
		t.Errorf("users = %+v", s.Users)
	}
	if s.Checks.Total != 2 || s.Checks.Failed != 1 || s.Checks.List[1].Message == "" {
		t.Errorf("checks = %+v", s.Checks)
	}
	if !s.Health.Overloaded || s.Writer.Dropped != 3 || !strings.Contains(strings.Join(s.Health.Notes, ";"), "dropped 3 lines") {
		t.Errorf("drops not reported: health = %+v writer = %+v", s.Health, s.Writer)
	}
	if _, err := json.Marshal(s); err != nil {
		t.Fatal(err)
	}
}

func TestComputeEmptyAndMergedHealth(t *testing.T) {
	t.Parallel()
	s := Compute(&reports.Dataset{Info: reports.RunInfo{Shards: []reports.RunInfo{
		{Shard: "a", Health: reports.Health{CPUPctMax: 50, Cores: 2}},
		{Shard: "b", Health: reports.Health{CPUPctMax: 95, Cores: 4, Overloaded: true, Notes: []string{"CPU 95%"}}},
	}}})
	if s.Joins.Rate != nil || s.Stats.RxLossRate != nil || len(s.Notes) == 0 {
		t.Errorf("empty: %+v %+v", s.Joins, s.Notes)
	}
	neg := Compute(&reports.Dataset{Samples: []reports.Sample{{Time: t0, User: "u", RTTMs: ptr(-5)}, {Time: t0, User: "u", RTTMs: ptr(5)}}})
	if len(neg.Notes) != 1 || !strings.Contains(neg.Notes[0], "1 of 2 stats samples have a negative rtt_ms (lowest -5)") {
		t.Errorf("negative RTT not noted: %q", neg.Notes)
	}
	h := s.Health
	if !h.Overloaded || h.CPUPctMax != 95 || h.Cores != 6 || !slices.Equal(h.Notes, []string{"b: CPU 95%"}) || len(h.Shards) != 2 {
		t.Errorf("merged health = %+v", h)
	}
}

func TestCompareNatural(t *testing.T) {
	t.Parallel()
	in := []string{"bot-10", "b", "10", "bot-9", "2", "a", "bot-09"}
	slices.SortFunc(in, compareNatural)
	want := []string{"2", "10", "a", "b", "bot-09", "bot-9", "bot-10"}
	if !slices.Equal(in, want) {
		t.Fatalf("got %q want %q", in, want)
	}
}

// BenchmarkCompute: 500 bots × 600 s of samples.
func BenchmarkCompute(b *testing.B) {
	d := &reports.Dataset{}
	for sec := range 600 {
		for bot := range 500 {
			d.Samples = append(d.Samples, reports.Sample{Time: t0.Add(time.Duration(sec) * time.Second), User: "bot-" + string(rune('a'+bot%26)) + string(rune('a'+bot/26)),
				Room: string(rune('a' + bot/6%26)), TxKbps: float64(bot), RxKbps: float64(sec), RTTMs: ptr(float64(sec % 50))})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		Compute(d)
	}
}

func TestOverloadEvents(t *testing.T) {
	t.Parallel()
	ov := reports.Event{Time: t0, Kind: reports.KindRun, Event: reports.EvOverload, Message: "action lag p99 40ms > 10ms"}
	// killed run: no health in run.json, the event is the account
	s := Compute(&reports.Dataset{Events: []reports.Event{ov}})
	if !s.Health.Overloaded || !slices.Equal(s.Health.Notes, []string{ov.Message}) {
		t.Errorf("killed run health = %+v", s.Health)
	}
	// finished run: run.json's notes stand, not repeated
	s = Compute(&reports.Dataset{Info: reports.RunInfo{Health: reports.Health{Overloaded: true, Notes: []string{"action lag p99 40 ms"}}}, Events: []reports.Event{ov}})
	if !s.Health.Overloaded || len(s.Health.Notes) != 1 {
		t.Errorf("finished run health = %+v", s.Health)
	}
}
