package server

import (
	"testing"
	"time"

	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/signaling"
)

// ssrcTrack records the SSRC negotiated for its own leg.
type ssrcTrack struct {
	*webrtc.TrackLocalStaticRTP
	ssrc chan uint32
}

func (s *ssrcTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	select {
	case s.ssrc <- uint32(ctx.SSRC()):
	default:
	}
	return s.TrackLocalStaticRTP.Bind(ctx)
}

// TestPublisherMeasuresRTT: the server's receiver reports answer the
// publisher's sender reports, so the publisher's own stats interceptor
// computes a round-trip time.
func TestPublisherMeasuresRTT(t *testing.T) {
	s := startServer(t, Config{})
	sf, err := stats.NewInterceptor()
	if err != nil {
		t.Fatal(err)
	}
	getters := make(chan stats.Getter, 1)
	sf.OnNewPeerConnection(func(_ string, g stats.Getter) { getters <- g })
	audio, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "alice")
	if err != nil {
		t.Fatal(err)
	}
	tr := &ssrcTrack{TrackLocalStaticRTP: audio, ssrc: make(chan uint32, 1)}
	p := signaling.JoinParams{SDKAppID: DefaultSDKAppID, UserID: "alice", UserSig: userSig(t, "alice"), RoomID: 21,
		Tracks: []webrtc.TrackLocal{tr}, NewPeerConnection: clientAPI(t, nil, sf).NewPeerConnection}
	sess, err := nativeDriver(s).Join(t.Context(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sess.Leave(t.Context()) })
	g := <-getters
	startPump(t, audio, 50, 100)
	var ssrc uint32
	select {
	case ssrc = <-tr.ssrc:
	case <-time.After(waitFor):
		t.Fatal("track not bound")
	}
	eventually(t, "a round-trip time at the publisher", func() bool {
		st := g.Get(ssrc)
		return st != nil && st.RemoteInboundRTPStreamStats.RoundTripTime > 0
	})
	st := g.Get(ssrc)
	if rtt := st.RemoteInboundRTPStreamStats.RoundTripTime; rtt > time.Second {
		t.Fatalf("loopback RTT %v", rtt)
	}
	t.Logf("publisher RTT %v after %d packets", st.RemoteInboundRTPStreamStats.RoundTripTime, st.OutboundRTPStreamStats.PacketsSent)
}
