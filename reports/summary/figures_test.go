package summary

import (
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

// Loss is averaged only over samples that expected packets, and the frame
// rate is per received video track (as the assertions measure it), not the
// sum of a bot's tracks.
func TestLossAndFrameRateFigures(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	rx := func(fps float64) reports.TrackSample {
		return reports.TrackSample{Dir: reports.Rx, Kind: "video", FPS: fps, Packets: 90}
	}
	d := &reports.Dataset{Samples: []reports.Sample{
		// Two received video tracks at 30 and 20 fps, 10 % loss.
		{Time: t0, User: "a", RxPackets: 180, RxLost: 20, RxLossPct: 10, FPS: 50, Tracks: []reports.TrackSample{rx(30), rx(20)}},
		// Nothing received nor lost (alone in the room): no loss figure.
		{Time: t0.Add(time.Second), User: "a"},
	}}
	s := Compute(d)
	if s.Stats.LossPct.N != 1 || s.Stats.LossPct.Avg != 10 {
		t.Errorf("loss %+v, want one figure of 10 %% (an idle sample is not 0 %% loss)", s.Stats.LossPct)
	}
	if s.Stats.FPS.N != 2 || s.Stats.FPS.Avg != 25 || s.Stats.FPS.Max != 30 {
		t.Errorf("fps %+v, want per-track figures 30 and 20", s.Stats.FPS)
	}
}
