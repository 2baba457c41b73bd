package server

import (
	"testing"
	"time"

	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/rtcp"
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

// ntpTime is t as a 64-bit NTP timestamp.
func ntpTime(t time.Time) uint64 {
	const ntpEpochOffset = 2208988800 // seconds from 1900 to 1970
	sec := uint64(t.Unix()) + ntpEpochOffset
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	return sec<<32 | frac
}

// TestSubscriberMeasuresRTT: a subscriber that sends an XR receiver
// reference time for a forwarded track (sender SSRC = that track's SSRC)
// gets a DLRR back, and its stats interceptor computes the receiving leg's
// round-trip time.
func TestSubscriberMeasuresRTT(t *testing.T) {
	s := startServer(t, Config{})
	a := mustJoin(t, s, "alice", joinOpts{room: 22, audio: true})
	startPump(t, a.audio, 50, 100)

	sf, err := stats.NewInterceptor()
	if err != nil {
		t.Fatal(err)
	}
	getters := make(chan stats.Getter, 1)
	sf.OnNewPeerConnection(func(_ string, g stats.Getter) { getters <- g })
	api := clientAPI(t, nil, sf)
	pcs := make(chan *webrtc.PeerConnection, 1)
	tracks := make(chan signaling.RemoteTrack, 4)
	p := signaling.JoinParams{SDKAppID: DefaultSDKAppID, UserID: "bob", UserSig: userSig(t, "bob"), RoomID: 22,
		NewPeerConnection: func(c webrtc.Configuration) (*webrtc.PeerConnection, error) {
			pc, err := api.NewPeerConnection(c)
			pcs <- pc
			return pc, err
		}}
	sess, err := nativeDriver(s).Join(t.Context(), p, func(e signaling.Event) {
		if rt, ok := e.(signaling.RemoteTrack); ok {
			tracks <- rt
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sess.Leave(t.Context()) })
	pc, g := <-pcs, <-getters
	var rt signaling.RemoteTrack
	select {
	case rt = <-tracks:
	case <-time.After(waitFor):
		t.Fatal("no track")
	}
	go func() { // keep reading so that the stream stays live
		buf := make([]byte, 1500)
		for {
			if _, _, err := rt.Track.Read(buf); err != nil {
				return
			}
		}
	}()
	go func() { // read the receiver's RTCP so the interceptors see the DLRR
		buf := make([]byte, 1500)
		for {
			if _, _, err := rt.Receiver.Read(buf); err != nil {
				return
			}
		}
	}()
	ssrc := uint32(rt.Track.SSRC())
	eventually(t, "a round-trip time at the subscriber", func() bool {
		xr := &rtcp.ExtendedReport{SenderSSRC: ssrc, Reports: []rtcp.ReportBlock{
			&rtcp.ReceiverReferenceTimeReportBlock{NTPTimestamp: ntpTime(time.Now())}}}
		if err := pc.WriteRTCP([]rtcp.Packet{xr}); err != nil {
			t.Fatal(err)
		}
		st := g.Get(ssrc)
		return st != nil && st.RemoteOutboundRTPStreamStats.RoundTripTime > 0
	})
	rtt := g.Get(ssrc).RemoteOutboundRTPStreamStats.RoundTripTime
	if rtt > time.Second {
		t.Fatalf("loopback RTT %v", rtt)
	}
	t.Logf("subscriber RTT %v", rtt)
}
