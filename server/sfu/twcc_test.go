package sfu

import (
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// publishTo connects a client PeerConnection publishing one VP8 track to a
// new Peer of e. With twcc the client offers transport-cc (as a live bot or
// a browser does): its packets carry transport-wide sequence numbers.
func publishTo(t *testing.T, e *Engine, twcc bool) (*webrtc.TrackLocalStaticRTP, *webrtc.RTPSender) {
	t.Helper()
	m, err := NewMediaEngine()
	if err != nil {
		t.Fatal(err)
	}
	ir := &interceptor.Registry{}
	if twcc {
		if err := webrtc.ConfigureTWCCHeaderExtensionSender(m, ir); err != nil {
			t.Fatal(err)
		}
	}
	var se webrtc.SettingEngine
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "alice")
	if err != nil {
		t.Fatal(err)
	}
	offers := make(chan string, 4)
	p, err := e.NewPeer(PeerConfig{UserID: "alice", RecvVideo: true, SendOffer: func(sdp string) { offers <- sdp }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	if err := p.Negotiate(); err != nil {
		t.Fatal(err)
	}
	var offer string
	select {
	case offer = <-offers:
	case <-time.After(5 * time.Second):
		t.Fatal("no offer from the peer")
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		t.Fatal(err)
	}
	sender, err := pc.AddTrack(track) // takes the offered video m-line
	if err != nil {
		t.Fatal(err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	if err := p.SetAnswer(pc.LocalDescription().SDP); err != nil {
		t.Fatal(err)
	}
	return track, sender
}

// pump writes small VP8 packets to track every 5 ms until the test ends.
func pump(t *testing.T, track *webrtc.TrackLocalStaticRTP) {
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		pkt := &rtp.Packet{Header: rtp.Header{Version: 2}, Payload: make([]byte, 200)}
		for {
			pkt.SequenceNumber++
			pkt.Timestamp += 450
			_ = track.WriteRTP(pkt) // dropped until bound
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
}

// rtcpUntil reads the sender's RTCP until f returns true or 10 s pass.
func rtcpUntil(t *testing.T, s *webrtc.RTPSender, what string, f func(rtcp.Packet) bool) {
	t.Helper()
	found := make(chan struct{})
	go func() {
		defer close(found)
		for {
			pkts, _, err := s.ReadRTCP()
			if err != nil {
				return
			}
			for _, p := range pkts {
				if f(p) {
					return
				}
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s within 10 s", what)
	}
}

// A publisher that negotiates transport-cc gets transport-wide feedback
// acknowledging its packets, which a send-side estimator needs.
func TestTWCCFeedbackToPublisher(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	track, sender := publishTo(t, e, true)
	pump(t, track)
	acked := 0
	rtcpUntil(t, sender, "transport-wide feedback acknowledging 20 packets", func(p rtcp.Packet) bool {
		if fb, ok := p.(*rtcp.TransportLayerCC); ok {
			acked += int(fb.PacketStatusCount)
		}
		return acked >= 20
	})
}

// A publisher without transport-cc (fixture bots) gets none: two receiver
// reports arrive and no transport-wide feedback.
func TestNoTWCCWithoutExtension(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	track, sender := publishTo(t, e, false)
	for _, x := range sender.GetParameters().HeaderExtensions {
		if x.URI == transportCCURI {
			t.Fatalf("transport-cc negotiated without the client offering it: %v", x)
		}
	}
	pump(t, track)
	rrs, twcc := 0, 0
	rtcpUntil(t, sender, "two receiver reports", func(p rtcp.Packet) bool {
		switch p.(type) {
		case *rtcp.ReceiverReport:
			rrs++
		case *rtcp.TransportLayerCC:
			twcc++
		}
		return rrs >= 2
	})
	if twcc != 0 {
		t.Fatalf("%d transport-wide feedback packets to a publisher that did not negotiate transport-cc", twcc)
	}
}

const transportCCURI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
