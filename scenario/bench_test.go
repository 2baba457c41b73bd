package scenario

import (
	"fmt"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

// BenchmarkEvaluate: ten assertions over a 500-bot, 60-second run.
func BenchmarkEvaluate(b *testing.B) {
	src := "duration: 60s\nrooms: 100\ngroups: [{name: g, per_room: 5}]\ntimeline:\n  - {at: 10s, action: mark, name: a}\n  - {at: 50s, action: mark, name: b}\nassertions:\n"
	for _, m := range []string{"join_time", "ttff", "bitrate_in", "bitrate_out", "loss", "jitter", "rtt", "fps", "freezes", "errors"} {
		agg := "p(95) < 1000"
		if m == "freezes" || m == "errors" {
			agg = "count < 1000"
		}
		src += fmt.Sprintf("  - {metric: %s, window: [a, b], expect: %q}\n", m, agg)
	}
	c, err := Parse("b.yaml", []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ds := &reports.Dataset{Info: reports.RunInfo{Started: t0, Ended: t0.Add(60 * time.Second)}}
	ds.Events = append(ds.Events, reports.Event{Time: t0.Add(10 * time.Second), Kind: reports.KindRun, Event: reports.EvMark, Message: "a"},
		reports.Event{Time: t0.Add(50 * time.Second), Kind: reports.KindRun, Event: reports.EvMark, Message: "b"})
	for u := 1; u <= 500; u++ {
		id := fmt.Sprintf("g-%d", u)
		ds.Events = append(ds.Events, reports.Event{Time: t0.Add(time.Second), User: id, Kind: reports.KindRoom, Event: reports.EvEntered, Value: 80})
		for s := 1; s <= 60; s++ {
			j := 3.0
			ds.Samples = append(ds.Samples, reports.Sample{Time: t0.Add(time.Duration(s) * time.Second), User: id, RxKbps: 900, TxKbps: 500,
				RxPackets: 100, JitterMs: &j, RTTMs: &j, Tracks: []reports.TrackSample{{Dir: reports.Rx, Kind: "video", FPS: 15}}})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if checks := Evaluate(c, ds); len(checks) != 10 {
			b.Fatal(len(checks))
		}
	}
}
