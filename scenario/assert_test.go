package scenario

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

const assertScenario = `
duration: 60s
rooms: 1
groups:
  - {name: a, count: 2}
  - {name: b, count: 1}
timeline:
  - {at: 10s, action: mark, name: m1}
  - {at: 20s, action: mark, name: m2}
  - {at: 50s, action: mark, name: never}
assertions:
  - {name: joins, metric: join_success_rate, expect: ["rate >= 0.6", "rate >= 99%", "count == 3"]}
  - {name: join time, metric: join_time, expect: ["p(50) <= 100ms", "max < 1s", "avg > 0.2s"]}
  - {name: join time a, metric: join_time, users: "group:a", expect: "max <= 200ms"}
  - {name: rx in window, metric: bitrate_in, window: [m1, m2], expect: "min >= 500kbps"}
  - {name: rx whole, metric: bitrate_in, expect: "min >= 500kbps"}
  - {name: loss, metric: loss, expect: "max <= 5%"}
  - {name: rtt, metric: rtt, expect: "p(95) < 50ms"}
  - {name: freezes, metric: freezes, window: [m1, m2], expect: "count == 0"}
  - {name: fail code, event: {code: -100018, users: "group:b", window: [start, m1]}, expect: ">= 1"}
  - {name: fail code late, event: {code: -100018, window: [m1, end]}, expect: "== 0"}
  - {name: lost mark, metric: join_time, window: [m1, never], expect: "max < 1s"}
`

func fptr(v float64) *float64 { return &v }

func assertDataset(t0 time.Time) *reports.Dataset {
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	ds := &reports.Dataset{Info: reports.RunInfo{Started: t0, Ended: at(60)}}
	ds.Events = []reports.Event{
		{Time: at(1), User: "a-1", Kind: reports.KindRoom, Event: reports.EvEntered, Code: 1018, Value: 80},
		{Time: at(1.5), User: "a-2", Kind: reports.KindRoom, Event: reports.EvEntered, Code: 1018, Value: 200},
		{Time: at(2), User: "b-1", Kind: reports.KindRoom, Event: reports.EvEnterFailed, Code: -100018, Value: 900},
		{Time: at(10), Kind: reports.KindRun, Event: reports.EvMark, Message: "m1"},
		{Time: at(5), User: "a-1", Kind: reports.KindMedia, Event: reports.EvFreezeStart},
		{Time: at(20), Kind: reports.KindRun, Event: reports.EvMark, Message: "m2"},
	}
	for s := 1; s < 30; s++ {
		rx := 600.0
		if s == 3 {
			rx = 100 // a dip outside the window m1..m2
		}
		ds.Samples = append(ds.Samples, reports.Sample{Time: at(float64(s)), User: "a-1", RxKbps: rx, RxPackets: 50,
			RxLossPct: float64(s % 4), RTTMs: fptr(float64(10 + s))})
	}
	return ds
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	c, err := Parse("a.yaml", []byte(assertScenario))
	if err != nil {
		t.Fatal(err)
	}
	checks := Evaluate(c, assertDataset(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	want := []struct {
		name   string
		passed bool
		obs    float64
		msg    string
	}{
		{"joins: rate >= 0.6", true, 2.0 / 3, "expected join_success_rate rate >= 0.6; measured rate = 0.667 over 3 values"},
		{"joins: rate >= 99%", false, 2.0 / 3, "expected join_success_rate rate >= 99%; but measured rate = 0.667 over 3 values"},
		{"joins: count == 3", true, 3, "expected join_success_rate count == 3; measured count = 3 over 3 values"},
		{"join time: p(50) <= 100ms", true, 80, "expected join_time p(50) <= 100ms; measured p(50) = 80ms over 2 values"},
		{"join time: max < 1s", true, 200, "expected join_time max < 1s; measured max = 200ms over 2 values"},
		{"join time: avg > 0.2s", false, 140, "expected join_time avg > 0.2s; but measured avg = 140ms over 2 values"},
		{"join time a", true, 200, "expected join_time max <= 200ms for group:a; measured max = 200ms over 2 values"},
		{"rx in window", true, 600, "expected bitrate_in min >= 500kbps in m1..m2; measured min = 600kbps over 11 values"},
		{"rx whole", false, 100, "expected bitrate_in min >= 500kbps; but measured min = 100kbps over 29 values"},
		{"loss", true, 3, "expected loss max <= 5%; measured max = 3% over 29 values"},
		{"rtt", false, 38, "expected rtt p(95) < 50ms; measured p(95) = 38ms over 29 values"},
		{"freezes", true, 0, "expected freezes count == 0 in m1..m2; measured count = 0 over 0 values"},
		{"fail code", true, 1, "expected code -100018 (userSig check failed) events >= 1; measured 1"},
		{"fail code late", true, 0, "expected code -100018 (userSig check failed) events == 0; measured 0"},
		{"lost mark", false, 0, `expected join_time max < 1s; not measured: mark "never" never happened in this run`},
	}
	want[10].passed = true
	if len(checks) != len(want) {
		t.Fatalf("%d checks, want %d: %+v", len(checks), len(want), checks)
	}
	for i, w := range want {
		got := checks[i]
		if got.Name != w.name || got.Passed != w.passed || got.Message != w.msg || (w.obs != 0 && abs(got.Observed-w.obs) > 1e-9) {
			t.Errorf("check %d:\n got  %q passed=%v obs=%v %q\n want %q passed=%v obs=%v %q", i, got.Name, got.Passed, got.Observed, got.Message, w.name, w.passed, w.obs, w.msg)
		}
		if got.Source == "" {
			t.Errorf("check %d has no source", i)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestEvaluateReloaded checks that a dataset written to a run directory
// and read back evaluates exactly as in memory.
func TestEvaluateReloaded(t *testing.T) {
	t.Parallel()
	c, err := Parse("a.yaml", []byte(assertScenario))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ds := assertDataset(t0)
	dir := filepath.Join(t.TempDir(), "run")
	w, err := reports.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ds.Events {
		w.WriteEvent(e)
	}
	for _, s := range ds.Samples {
		w.WriteSample(s)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := reports.WriteRunInfo(dir, ds.Info); err != nil {
		t.Fatal(err)
	}
	back, err := reports.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	live, reloaded := Evaluate(c, ds), Evaluate(c, back)
	for i := range live {
		if live[i].Message != reloaded[i].Message || live[i].Passed != reloaded[i].Passed {
			t.Errorf("check %d differs:\n live     %s\n reloaded %s", i, live[i].Message, reloaded[i].Message)
		}
	}
}

func TestEvaluateFPSPerTrack(t *testing.T) {
	t.Parallel()
	c, err := Parse("f.yaml", []byte("rooms: 1\ngroups: [{name: g, count: 3}]\nassertions:\n  - {metric: fps, expect: [\"min >= 14\", \"count == 3\"]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ds := &reports.Dataset{Info: reports.RunInfo{Started: t0, Ended: t0.Add(10 * time.Second)}, Samples: []reports.Sample{
		{Time: t0.Add(time.Second), User: "g-1", FPS: 29, Tracks: []reports.TrackSample{
			{Dir: reports.Rx, Kind: "video", FPS: 15}, {Dir: reports.Rx, Kind: "video", FPS: 14},
			{Dir: reports.Rx, Kind: "audio"}, {Dir: reports.Tx, Kind: "video", FPS: 30}}},
		{Time: t0.Add(time.Second), User: "g-2", Tracks: []reports.TrackSample{{Dir: reports.Rx, Kind: "audio"}}},
		{Time: t0.Add(time.Second), User: "g-3", FPS: 15},
	}}
	checks := Evaluate(c, ds)
	if !checks[0].Passed || checks[0].Observed != 14 || !checks[1].Passed {
		t.Errorf("checks = %+v", checks)
	}
}
