package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
)

// nextOffer reads until the next offer, failing on anything but events.
func (r *raw) nextOffer() string {
	r.t.Helper()
	for {
		m, _, ok := r.recv()
		if !ok {
			r.t.Fatal("closed waiting for an offer")
		}
		if b, isSDP := m.Body.(*protocol.SDP); isSDP {
			return b.SDP
		}
		if _, isReply := m.Body.(*protocol.Reply); isReply {
			r.t.Fatalf("unexpected reply %+v while waiting for an offer", m.Body)
		}
	}
}

// answerOffer applies a server offer to pc and returns pc's answer.
func answerOffer(t *testing.T, pc *webrtc.PeerConnection, sdp string) string {
	t.Helper()
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		t.Fatal(err)
	}
	a, err := pc.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := pc.SetLocalDescription(a); err != nil {
		t.Fatal(err)
	}
	return a.SDP
}

// An answer that leaves an upstream m-line not sending (inactive: the
// client attached no track) is refused, so that nobody is told about media
// that never comes; the refusal comes first, then the offer again.
func TestInactiveUpstreamAnswerRefused(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	r := dialRaw(t, s)
	e, _ := json.Marshal(protocol.Enter{SDKAppID: DefaultSDKAppID, UserID: "lazy", UserSig: userSig(t, "lazy"), RoomID: 50, PublishAudio: true, PublishVideo: true})
	r.send(`{"type":"enter","id":1,"data":` + string(e) + `}`)
	offer := r.nextOffer()
	pc, err := clientAPI(t, nil).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	answer := func(sdp string) string { return answerOffer(t, pc, sdp) }
	// A browser that attaches no track answers inactive (pion says
	// sendonly regardless): edit the answer as such a client sends it.
	lazy := strings.ReplaceAll(answer(offer), "a=sendonly", "a=inactive")
	b, _ := json.Marshal(protocol.SDP{SDP: lazy})
	r.send(`{"type":"answer","id":2,"data":` + string(b) + `}`)
	m, _, ok := r.recv()
	rep, isReply := m.Body.(*protocol.Reply)
	if !ok || !isReply || m.ID != 2 {
		t.Fatalf("got %s %+v, want the reply to the answer first", m.Type, m.Body)
	}
	if rep.Code != codes.ErrServerInvalidCommand || !strings.Contains(rep.Message, "mid 0") {
		t.Fatalf("reply %+v, want %d naming mid 0", rep, codes.ErrServerInvalidCommand)
	}
	again := r.nextOffer()
	// Now with tracks on both upstream m-lines.
	for _, k := range []webrtc.RTPCodecCapability{
		{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, {MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
	} {
		tr, err := webrtc.NewTrackLocalStaticRTP(k, strings.ToLower(strings.SplitN(k.MimeType, "/", 2)[0]), "lazy")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pc.AddTrack(tr); err != nil {
			t.Fatal(err)
		}
	}
	b, _ = json.Marshal(protocol.SDP{SDP: answer(again)})
	r.send(`{"type":"answer","id":3,"data":` + string(b) + `}`)
	if rep := r.reply(3); rep.Code != 0 {
		t.Fatalf("sending answer refused: %+v", rep)
	}
}

// When a publisher leaves, a subscriber hears userLeft before the offer
// that turns the publisher's m-lines inactive.
func TestUserLeftBeforeInactiveOffer(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	a := mustJoin(t, s, "alice", joinOpts{room: 51, audio: true})
	w := &writer{t: t, tr: a.audio}
	r := dialRaw(t, s)
	r.enterAs("sub", 51, "")
	pc, err := clientAPI(t, nil).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	defer r.keepPinging(time.Second)()
	// alice's first packets make her track known: sub gets an offer with it.
	stop := w.trickle()
	offer := r.nextOffer()
	stop()
	b, _ := json.Marshal(protocol.SDP{SDP: answerOffer(t, pc, offer)})
	r.send(`{"type":"answer","id":2,"data":` + string(b) + `}`)
	if rep := r.reply(2); rep.Code != 0 {
		t.Fatalf("answer: %+v", rep)
	}
	if err := a.sess.Leave(t.Context()); err != nil {
		t.Fatal(err)
	}
	var order []protocol.Type
	for len(order) < 2 {
		m, _, ok := r.recv()
		if !ok {
			t.Fatal("closed")
		}
		if m.Type == protocol.TypeUserLeft || m.Type == protocol.TypeOffer {
			order = append(order, m.Type)
		}
	}
	if order[0] != protocol.TypeUserLeft || order[1] != protocol.TypeOffer {
		t.Fatalf("order %v, want userLeft then offer", order)
	}
}

// A candidate belongs to an answer: one sent before any offer is refused.
func TestCandidateBeforeOfferRefused(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	r := dialRaw(t, s)
	r.enterAs("early", 52, "") // alone, publishing nothing: no offer yet
	r.send(`{"type":"candidate","id":2,"data":{"candidate":"candidate:1 1 udp 2130706431 127.0.0.1 50123 typ host","sdpMid":"0","sdpMLineIndex":0}}`)
	if rep := r.reply(2); rep.Code != codes.ErrServerInvalidCommand || !strings.Contains(rep.Message, "before any offer") {
		t.Fatalf("candidate before any offer: %+v, want %d", rep, codes.ErrServerInvalidCommand)
	}
}
