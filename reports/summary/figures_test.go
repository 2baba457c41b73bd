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

// The run's loss rate is lost over expected (sequence numbers): the NACK
// retransmissions among the received packets are not originals that
// arrived. At 20 % path loss, 1000 sent, 200 lost, 800 arrived first time
// and 180 retransmissions repaired most of the rest: 20 %, not
// 200/(980+200) = 16.9 % (the bug: retransmissions counted as received).
func TestLossRateCountsRetransmissionsApart(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	d := &reports.Dataset{Samples: []reports.Sample{
		{Time: t0, User: "a", RxPackets: 490, RxExpected: 500, RxLost: 100, RxRepaired: 90, RxLossPct: 20},
		{Time: t0.Add(time.Second), User: "a", RxPackets: 490, RxExpected: 500, RxLost: 100, RxRepaired: 90, RxLossPct: 20},
	}}
	s := Compute(d)
	if s.Stats.RxLossRate == nil || *s.Stats.RxLossRate != 20 {
		t.Fatalf("rx_loss_rate_pct %v, want 20", s.Stats.RxLossRate)
	}
	if s.Stats.RxExpected != 1000 || s.Stats.RxRepaired != 180 {
		t.Errorf("expected %d repaired %d, want 1000 and 180", s.Stats.RxExpected, s.Stats.RxRepaired)
	}
}
