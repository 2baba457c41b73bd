package bot

import (
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"

	"github.com/roombot/roombot/media"
)

// rtcpCapture is an interceptor.RTCPWriter that hands every write to a channel.
type rtcpCapture chan []rtcp.Packet

func (c rtcpCapture) Write(pkts []rtcp.Packet, _ interceptor.Attributes) (int, error) {
	c <- append([]rtcp.Packet(nil), pkts...)
	return 0, nil
}

// TestRRTRStampedAtSend: the XR receiver reference time is the time the
// report is written, not the (earlier) time the tick was due. The server's
// DLRR answer counts from the stamp, so a stale stamp adds roombot's own
// scheduling delay to the measured round-trip time.
func TestRRTRStampedAtSend(t *testing.T) {
	t.Parallel()
	sent := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tick := make(chan time.Time)
	f := rrtrFactory{every: time.Second, now: func() time.Time { return sent }, tick: tick}
	i, err := f.NewInterceptor("")
	if err != nil {
		t.Fatal(err)
	}
	out := make(rtcpCapture, 1)
	i.BindRemoteStream(&interceptor.StreamInfo{SSRC: 42}, nil)
	i.BindRTCPWriter(out)
	tick <- sent.Add(-800 * time.Millisecond) // the tick was due 800 ms ago
	pkts := <-out
	if err := i.Close(); err != nil {
		t.Fatal(err)
	}
	if len(pkts) != 1 {
		t.Fatalf("%d packets, want 1", len(pkts))
	}
	xr := pkts[0].(*rtcp.ExtendedReport)
	rr := xr.Reports[0].(*rtcp.ReceiverReferenceTimeReportBlock)
	if xr.SenderSSRC != 42 || rr.NTPTimestamp != media.NTPTime(sent) {
		t.Fatalf("XR for %d stamped %v, want %v (send time)", xr.SenderSSRC,
			media.TimeFromNTP(rr.NTPTimestamp), sent)
	}
}
