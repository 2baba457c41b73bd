package prom

import (
	"fmt"
	"testing"

	"github.com/roombot/roombot/reports"
)

// BenchmarkWriteSample is the cost the live output adds to each bot's
// once-a-second sample (a 6-person room: 5 received video tracks).
func BenchmarkWriteSample(b *testing.B) {
	u := Users{Group: map[string]string{}, Target: map[string]int{}}
	for i := range 500 {
		u.Group[fmt.Sprint("u", i)] = "six"
	}
	o := New("cap", "shard-0-of-2", u)
	j, r := 2.5, 12.0
	s := reports.Sample{User: "u7", RxKbps: 900, TxKbps: 250, RxPackets: 400, JitterMs: &j, RTTMs: &r}
	for range 5 {
		s.Tracks = append(s.Tracks, reports.TrackSample{Dir: reports.Rx, Kind: "video", FPS: 15})
	}
	b.ReportAllocs()
	for b.Loop() {
		o.WriteSample(s)
	}
}
