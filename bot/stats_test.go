package bot

import (
	"testing"
	"time"

	"github.com/pion/interceptor/pkg/stats"
)

func TestRTTPlausible(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		want *float64
	}{
		{-65536 * time.Second, nil},
		{2 * time.Hour, nil},
		{1500 * time.Microsecond, ptr(1.5)},
		{0, ptr(0)},
	} {
		got := rtt(tc.d)
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("rtt(%v) = %v, want %v", tc.d, got, tc.want)
		}
	}
}

// TestTxLossAbsentWithoutReport (issue 8, item 28): in an interval with no
// new receiver report, a sent track's loss is absent, not 0; with one,
// audio's path loss is the report's fraction lost and video's is the
// NACKed share of the originals sent, with the report's figure (what NACK
// repair left) named apart.
func TestTxLossAbsentWithoutReport(t *testing.T) {
	t.Parallel()
	st := &stats.Stats{}
	st.OutboundRTPStreamStats.PacketsSent = 100
	st.RemoteInboundRTPStreamStats.FractionLost = 0.03
	st.RemoteInboundRTPStreamStats.RoundTripTimeMeasurements = 1
	video := &localTrack{kind: "video"}
	first := txTrack(video, 1, st, txWireCounts{packets: 100, nacked: 20}, 1)
	if first.LossPct == nil || *first.LossPct != 20 || first.LossAfterRepairPct == nil || *first.LossAfterRepairPct != 3 {
		t.Fatalf("with a report: path loss %v, after repair %v; want 20 and 3", first.LossPct, first.LossAfterRepairPct)
	}
	st.OutboundRTPStreamStats.PacketsSent = 200 // no new report in this interval
	next := txTrack(video, 1, st, txWireCounts{packets: 200, nacked: 20}, 1)
	if next.LossPct != nil || next.LossAfterRepairPct != nil || next.JitterMs != nil || next.RTTMs != nil {
		t.Fatalf("without a new report: loss %v / %v, jitter %v, rtt %v; want all absent", next.LossPct, next.LossAfterRepairPct, next.JitterMs, next.RTTMs)
	}
	audio := &localTrack{kind: "audio"}
	st.RemoteInboundRTPStreamStats.RoundTripTimeMeasurements = 2
	a := txTrack(audio, 2, st, txWireCounts{packets: 200}, 1)
	if a.LossPct == nil || *a.LossPct != 3 {
		t.Fatalf("audio path loss %v, want the report's 3 %%", a.LossPct)
	}
}
