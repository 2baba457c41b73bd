package livekit

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/livekit/protocol/livekit"
	protosignalling "github.com/livekit/protocol/signalling"
	"github.com/pion/webrtc/v4"

	"github.com/roombot/roombot/signaling"
)

// negotiator is one of the session's PeerConnections with its SDP and
// trickle bookkeeping: remote candidates wait for the remote description,
// local ones follow the description they belong to.
type negotiator struct {
	s      *session
	target livekit.SignalTarget
	pc     *webrtc.PeerConnection

	mu        sync.Mutex // SDP handling vs. candidate sending
	remoteSet bool
	pending   []webrtc.ICECandidateInit
	// localSent: one of our candidates went to the server. The
	// subscriber applies the server's candidates only then (or after
	// holdMax), so that our first connectivity check cannot reach the
	// server before our candidate: the server is the controlling agent
	// there, and a pair with a candidate it first learnt from a check
	// (peer-reflexive) waits pion's 1 s prflx acceptance time before it is
	// nominated — seen in about half the joins, delaying every subscribed
	// track by a second.
	localSent bool
	hold      *time.Timer
}

// holdMax bounds how long the subscriber keeps the server's candidates
// waiting for one of its own.
const holdMax = 200 * time.Millisecond

// settle is how long after our first candidate the subscriber still
// waits before it applies the server's.
const settle = 30 * time.Millisecond

func (s *session) newNegotiator(target livekit.SignalTarget, ice []webrtc.ICEServer) (*negotiator, error) {
	pc, err := newPC(s.p, ice)
	if err != nil {
		return nil, fmt.Errorf("livekit: new %s peer connection: %w", strings.ToLower(target.String()), err)
	}
	n := &negotiator{s: s, target: target, pc: pc}
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		s.d.log.Debug("livekit: peer connection", "user", s.p.UserID, "pc", target.String(), "state", st.String())
	})
	pc.OnICEConnectionStateChange(func(st webrtc.ICEConnectionState) {
		s.d.log.Debug("livekit: ice", "user", s.p.UserID, "pc", target.String(), "state", st.String())
	})
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			return
		}
		n.mu.Lock() // after the description this candidate belongs to
		defer n.mu.Unlock()
		_ = s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Trickle{Trickle: protosignalling.ToProtoTrickle(c.ToJSON(), target, false)}})
		if !n.localSent && n.target == livekit.SignalTarget_SUBSCRIBER && n.hold != nil {
			n.hold.Reset(settle) // the server applies our answer and candidate first
			return
		}
		n.localSent = true
		n.flush()
	})
	return n, nil
}

func iceServers(in []*livekit.ICEServer) []webrtc.ICEServer {
	return protosignalling.FromProtoIceServers(in)
}

// addRemoteCandidate applies a server candidate, or keeps it until the
// remote description is set.
func (n *negotiator) addRemoteCandidate(t *livekit.TrickleRequest) {
	init, err := protosignalling.FromProtoTrickle(t)
	if err != nil || init.Candidate == "" {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pending = append(n.pending, init)
	n.flush()
}

// flush applies the waiting server candidates once the remote
// description is set and, on the subscriber, one of ours was sent
// (localSent). n.mu is held.
func (n *negotiator) flush() {
	if !n.remoteSet || (n.target == livekit.SignalTarget_SUBSCRIBER && !n.localSent) {
		return
	}
	for _, c := range n.pending {
		if err := n.pc.AddICECandidate(c); err != nil {
			n.s.d.log.Debug("livekit: server candidate rejected", "err", err)
		}
	}
	n.pending = nil
}

// setRemote applies a remote description and the candidates that waited
// for it. n.mu is held.
func (n *negotiator) setRemote(sd *livekit.SessionDescription) error {
	desc, _, _ := protosignalling.FromProtoSessionDescription(sd)
	if err := n.pc.SetRemoteDescription(desc); err != nil {
		return fmt.Errorf("livekit: apply %s %s: %w", strings.ToLower(n.target.String()), desc.Type, err)
	}
	n.remoteSet = true
	if !n.localSent && n.hold == nil && n.target == livekit.SignalTarget_SUBSCRIBER {
		n.hold = time.AfterFunc(holdMax, func() {
			n.mu.Lock()
			defer n.mu.Unlock()
			n.localSent = true // none came: apply the server's anyway
			n.flush()
		})
	}
	n.flush()
	return nil
}

// answerOffer answers a subscriber offer from the server, as the DTLS
// server (dtlsServerOffer).
func (n *negotiator) answerOffer(sd *livekit.SessionDescription) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	sd = &livekit.SessionDescription{Type: sd.GetType(), Sdp: dtlsServerOffer(sd.GetSdp()), Id: sd.GetId(), MidToTrackId: sd.GetMidToTrackId()}
	if err := n.setRemote(sd); err != nil {
		return err
	}
	ans, err := n.pc.CreateAnswer(nil)
	if err != nil {
		return fmt.Errorf("livekit: create answer: %w", err)
	}
	if err := n.pc.SetLocalDescription(ans); err != nil {
		return fmt.Errorf("livekit: set answer: %w", err)
	}
	return n.s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Answer{
		Answer: protosignalling.ToProtoSessionDescription(*n.pc.LocalDescription(), sd.GetId(), nil)}})
}

// onlyCodecOf offers only t's codec (and its RTX) on tr. The driver
// presents itself as an SDK LiveKit does not know (sdk=roombot), so the
// server takes a video track's codec from the SDP (the first one
// negotiated) and publishes the track at once, as for browsers; as "go" it
// waited for the first video packet, which made video miss the
// subscriber offer that carried audio and wait for the next one (LiveKit
// debounces offers by 150 ms): +150-250 ms to first frame, measured.
func onlyCodecOf(tr *webrtc.RTPTransceiver, t webrtc.TrackLocal) error {
	c, ok := t.(interface {
		Codec() webrtc.RTPCodecCapability
	})
	if !ok || t.Kind() != webrtc.RTPCodecTypeVideo {
		return nil
	}
	all := tr.Sender().GetParameters().Codecs
	var keep []webrtc.RTPCodecParameters
	for _, p := range all {
		if strings.EqualFold(p.MimeType, c.Codec().MimeType) {
			keep = append(keep, p)
		}
	}
	for _, p := range all {
		for _, k := range keep[:len(keep):len(keep)] {
			if strings.EqualFold(p.MimeType, webrtc.MimeTypeRTX) && p.SDPFmtpLine == fmt.Sprintf("apt=%d", k.PayloadType) {
				keep = append(keep, p)
			}
		}
	}
	if len(keep) == 0 {
		return fmt.Errorf("livekit: codec %s is not in the bot's media engine", c.Codec().MimeType)
	}
	if err := tr.SetCodecPreferences(keep); err != nil {
		return fmt.Errorf("livekit: video codec preferences: %w", err)
	}
	return nil
}

// dtlsServerOffer makes pion answer the server's subscriber offer as the
// DTLS server (a=setup:passive), so that livekit-server sends the
// ClientHello. It offers actpass, and pion would be the DTLS client: its
// first ClientHello was seen lost about one join in three (the server
// not listening yet) and pion's 1 s retransmission timer then delayed
// all subscribed media by a second (timeline in docs/targets.md). Reading
// the offer as a=setup:active makes pion pick the server role (its
// setting engine is the bot's); passive is a valid answer to actpass.
func dtlsServerOffer(sdp string) string {
	return strings.ReplaceAll(sdp, "a=setup:actpass", "a=setup:active")
}

// applyAnswer applies the server's answer to our publisher offer.
func (n *negotiator) applyAnswer(sd *livekit.SessionDescription) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.setRemote(sd)
}

// offer sends a publisher offer.
func (n *negotiator) offer() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	o, err := n.pc.CreateOffer(nil)
	if err != nil {
		return fmt.Errorf("livekit: create offer: %w", err)
	}
	if err := n.pc.SetLocalDescription(o); err != nil {
		return fmt.Errorf("livekit: set offer: %w", err)
	}
	return n.s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Offer{
		Offer: protosignalling.ToProtoSessionDescription(*n.pc.LocalDescription(), 0, nil)}})
}

// wireSubscriber routes the subscriber's tracks and data channels.
func (s *session) wireSubscriber() {
	s.sub.pc.OnTrack(func(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
		// LiveKit's stream ID is "<participant sid>|<track sid>".
		psid, _, _ := strings.Cut(t.StreamID(), "|")
		s.mu.Lock()
		id := s.bySid[psid]
		s.mu.Unlock()
		if id == "" {
			s.d.log.Warn("livekit: track of an unknown participant", "stream", t.StreamID())
			return
		}
		s.d.log.Debug("livekit: remote track", "user", s.p.UserID, "from", id, "kind", t.Kind().String())
		s.q.Push(signaling.RemoteTrack{UserID: id, Kind: t.Kind().String(), Track: t, Receiver: r})
	})
	s.sub.pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		if dc.Label() == reliableLabel {
			dc.OnMessage(s.onData)
		}
	})
}

const reliableLabel = "_reliable"

// publish asks the server to accept each local track (AddTrack →
// TrackPublished), attaches the accepted ones and sends the publisher
// offer. A refused track is not sent (the refusal is a Failure event).
func (s *session) publish(ctx context.Context) error {
	if s.p.IM {
		ordered := true
		dc, err := s.pub.pc.CreateDataChannel(reliableLabel, &webrtc.DataChannelInit{Ordered: &ordered})
		if err != nil {
			return fmt.Errorf("livekit: data channel: %w", err)
		}
		dc.OnOpen(func() { close(s.dcOpen) })
		dc.OnMessage(s.onData)
		s.reliable = dc
	}
	if len(s.p.VideoLayers) > 0 {
		info, err := s.addTrack(ctx, s.p.VideoLayers[0].Track, s.p.VideoLayers)
		if err != nil {
			return err
		}
		if info != nil {
			s.mu.Lock()
			s.local[webrtc.RTPCodecTypeVideo] = info.GetSid()
			s.mu.Unlock()
			if err := s.addLayers(); err != nil {
				return err
			}
		}
	}
	for _, t := range s.p.Tracks {
		info, err := s.addTrack(ctx, t, nil)
		if err != nil {
			return err
		}
		if info == nil {
			continue // refused: no grant for this source
		}
		s.mu.Lock()
		s.local[t.Kind()] = info.GetSid()
		s.mu.Unlock()
		tr, err := s.pub.pc.AddTransceiverFromTrack(t, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			return fmt.Errorf("livekit: attach %s track: %w", t.Kind(), err)
		}
		if err := onlyCodecOf(tr, t); err != nil {
			return err
		}
		sender := tr.Sender()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			signaling.DrainRTCP(sender)
		}()
	}
	return s.pub.offer()
}

// addTrack sends one AddTrackRequest and waits for the server's answer:
// the track's info, or nil when it refused. layers are the simulcast
// layers of a camera track (nil: one layer).
func (s *session) addTrack(ctx context.Context, t webrtc.TrackLocal, layers []signaling.Layer) (*livekit.TrackInfo, error) {
	req := &livekit.AddTrackRequest{Cid: t.ID(), Name: t.Kind().String(), Type: livekit.TrackType_AUDIO,
		Source: livekit.TrackSource_MICROPHONE, Muted: s.p.AudioMuted}
	if t.Kind() == webrtc.RTPCodecTypeVideo {
		req.Type, req.Source, req.Muted = livekit.TrackType_VIDEO, livekit.TrackSource_CAMERA, s.p.VideoOff
	}
	if len(layers) > 0 {
		top := layers[len(layers)-1]
		req.Width, req.Height, req.Layers = uint32(top.Width), uint32(top.Height), videoLayers(layers)
		if c, ok := t.(interface {
			Codec() webrtc.RTPCodecCapability
		}); ok {
			req.SimulcastCodecs = []*livekit.SimulcastCodec{{Codec: c.Codec().MimeType, Cid: t.ID()}}
		}
	}
	ch := make(chan *livekit.TrackInfo, 1)
	s.pubMu.Lock()
	s.published[req.Cid] = ch
	s.pubMu.Unlock()
	defer func() {
		s.pubMu.Lock()
		delete(s.published, req.Cid)
		s.pubMu.Unlock()
	}()
	if err := s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_AddTrack{AddTrack: req}}); err != nil {
		return nil, fmt.Errorf("livekit: add %s track: %w", t.Kind(), err)
	}
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	select {
	case info := <-ch:
		return info, nil
	case <-s.readerEnd:
		return nil, fmt.Errorf("livekit: add %s track: %w", t.Kind(), signaling.ErrClosed)
	case <-ctx.Done():
		return nil, fmt.Errorf("livekit: add %s track: %w", t.Kind(), ctx.Err())
	case <-timeout.C:
		return nil, fmt.Errorf("livekit: add %s track: no answer from the server in 10 s", t.Kind())
	}
}
