package sfu

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// gatherTimeout bounds the wait for ICE gathering before the first offer;
// with the shared UDP mux on loopback it completes at once.
const gatherTimeout = 5 * time.Second

// maxEarlyCandidates bounds the candidates buffered before an answer.
const maxEarlyCandidates = 64

// PeerConfig configures one participant's PeerConnection.
type PeerConfig struct {
	// UserID names the participant; forwarded tracks of its publications
	// carry it as their stream ID.
	UserID string
	// RecvAudio and RecvVideo create the upstream (publish) m-lines.
	RecvAudio, RecvVideo bool
	// SendOffer delivers a server offer to the client. It is called with the
	// peer's negotiation lock held and must not block or call back into the Peer.
	SendOffer func(sdp string)
	// OnPublication is called once per upstream track when its first packet
	// arrives, from a pion goroutine.
	OnPublication func(*Publication)
	// OnFailed is called once if ICE/DTLS fails or the media connection
	// stays silent for the engine's MediaTimeout.
	OnFailed func()
	// OnAnswerTimeout is called once if an offer is not answered within
	// the engine's AnswerTimeout of being sent.
	OnAnswerTimeout func()
}

// Peer is one participant's PeerConnection. Its methods are safe for
// concurrent use.
type Peer struct {
	e   *Engine
	cfg PeerConfig
	pc  *webrtc.PeerConnection

	mu         sync.Mutex // negotiation state and downs; see Negotiate
	offering   bool       // an offer is outstanding
	pending    bool       // another offer is needed after the answer
	gathered   bool       // first gathering done
	closed     bool
	candidates []webrtc.ICECandidateInit
	downs      map[*DownTrack]*webrtc.RTPSender
	answerDue  *time.Timer // running while an offer is outstanding

	closing   atomic.Bool // Close was called: a closed state is ours
	failOnce  sync.Once
	closeOnce sync.Once
	wg        sync.WaitGroup // track readers and RTCP readers
}

// NewPeer creates a PeerConnection for one participant. No offer is made
// until Negotiate.
func (e *Engine) NewPeer(cfg PeerConfig) (*Peer, error) {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	// Made outside e.mu, which every join and leave takes: the
	// PeerConnection and its transceivers are this peer's alone.
	pc, err := e.api.NewPeerConnection(webrtc.Configuration{Certificates: []webrtc.Certificate{e.cert}})
	if err != nil {
		return nil, fmt.Errorf("sfu: new peer connection for %q: %w", cfg.UserID, err)
	}
	p := &Peer{e: e, cfg: cfg, pc: pc, downs: map[*DownTrack]*webrtc.RTPSender{}}
	recv := webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}
	for _, k := range []struct {
		on   bool
		kind webrtc.RTPCodecType
	}{{cfg.RecvAudio, webrtc.RTPCodecTypeAudio}, {cfg.RecvVideo, webrtc.RTPCodecTypeVideo}} {
		if !k.on {
			continue
		}
		if _, err := pc.AddTransceiverFromKind(k.kind, recv); err != nil {
			_ = pc.Close()
			return nil, fmt.Errorf("sfu: upstream %s m-line for %q: %w", k.kind, cfg.UserID, err)
		}
	}
	pc.OnTrack(p.onTrack)
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		e.log.Debug("peer connection state", "user", cfg.UserID, "state", s.String())
		// Failed: ICE/DTLS failure or silence (Config.MediaTimeout). Closed
		// without our Close: pion closes the PeerConnection when the client
		// sends a DTLS close_notify (a browser's pc.close()).
		dead := s == webrtc.PeerConnectionStateFailed || s == webrtc.PeerConnectionStateClosed && !p.closing.Load()
		if dead && cfg.OnFailed != nil {
			p.failOnce.Do(cfg.OnFailed)
		}
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed { // Close ran meanwhile and did not see this peer
		p.closing.Store(true) // not a failure: no OnFailed
		_ = pc.Close()
		return nil, ErrClosed
	}
	e.peers[p] = struct{}{}
	return p, nil
}

// PeerConnection exposes the underlying pion connection (stats, tests).
func (p *Peer) PeerConnection() *webrtc.PeerConnection { return p.pc }

// Negotiate makes a new offer now, or after the answer to the outstanding
// one. Offers carry every gathered candidate; the server does not trickle.
func (p *Peer) Negotiate() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.offerLocked()
}

// offerLocked makes an offer unless one is outstanding. p.mu is held, so
// offers and answers are strictly alternated (no glare: the client never offers).
func (p *Peer) offerLocked() error {
	if p.closed {
		return ErrClosed
	}
	if p.offering {
		p.pending = true
		return nil
	}
	if len(p.pc.GetTransceivers()) == 0 {
		return nil // an offer without m-lines cannot carry ICE: wait for media
	}
	offer, err := p.pc.CreateOffer(nil)
	if err != nil {
		return fmt.Errorf("sfu: create offer for %q: %w", p.cfg.UserID, err)
	}
	var gathered <-chan struct{}
	if !p.gathered {
		gathered = webrtc.GatheringCompletePromise(p.pc)
	}
	if err := p.pc.SetLocalDescription(offer); err != nil {
		return fmt.Errorf("sfu: set local offer for %q: %w", p.cfg.UserID, err)
	}
	if gathered != nil {
		select {
		case <-gathered:
		case <-time.After(gatherTimeout):
			return fmt.Errorf("sfu: ICE gathering for %q did not complete in %v", p.cfg.UserID, gatherTimeout)
		}
		p.gathered = true
	}
	p.offering = true
	p.cfg.SendOffer(p.pc.LocalDescription().SDP)
	if p.cfg.OnAnswerTimeout != nil {
		p.answerDue = time.AfterFunc(p.e.answer, p.cfg.OnAnswerTimeout)
	}
	return nil
}

// SetAnswer applies the client's answer to the outstanding offer and makes
// the next offer if one was requested meanwhile. A refused answer changes
// nothing: the offer stays outstanding (see ResendOffer). An answer that
// leaves an upstream m-line not sending (inactive, recvonly, rejected) is
// refused with ErrNotSending.
func (p *Peer) SetAnswer(sdp string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	if !p.offering {
		return ErrNoOffer
	}
	if err := p.checkUpstream(sdp); err != nil {
		return fmt.Errorf("sfu: answer from %q: %w", p.cfg.UserID, err)
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
		return fmt.Errorf("sfu: answer from %q: %w", p.cfg.UserID, err)
	}
	p.offering = false
	if p.answerDue != nil {
		p.answerDue.Stop()
		p.answerDue = nil
	}
	for _, c := range p.candidates {
		if err := p.pc.AddICECandidate(c); err != nil {
			p.e.log.Debug("early candidate rejected", "user", p.cfg.UserID, "err", err)
		}
	}
	p.candidates = nil
	if p.pending {
		p.pending = false
		return p.offerLocked()
	}
	return nil
}

// ResendOffer sends the outstanding offer again (after a refused answer:
// pion cannot roll a local offer back, so the client answers it anew). It
// does nothing when no offer is outstanding.
func (p *Peer) ResendOffer() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || !p.offering {
		return
	}
	p.cfg.SendOffer(p.pc.LocalDescription().SDP)
}

// checkUpstream refuses an answer in which an upstream m-line (recvonly on
// the server) is not sending: the room would announce media that never
// comes.
func (p *Peer) checkUpstream(answer string) error {
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(answer); err != nil {
		return fmt.Errorf("%w: %w", ErrBadAnswer, err)
	}
	up := map[string]string{} // mid → kind
	for _, tr := range p.pc.GetTransceivers() {
		if tr.Direction() == webrtc.RTPTransceiverDirectionRecvonly && tr.Mid() != "" {
			up[tr.Mid()] = tr.Kind().String()
		}
	}
	session := direction(sd.Attributes, "sendrecv")
	for _, md := range sd.MediaDescriptions {
		mid, _ := md.Attribute("mid")
		kind, ok := up[mid]
		if !ok {
			continue
		}
		dir := direction(md.Attributes, session)
		if md.MediaName.Port.Value == 0 {
			dir = "rejected (port 0)"
		}
		if dir != "sendonly" && dir != "sendrecv" {
			return fmt.Errorf("%w: upstream m-line mid %s (%s) is %s: attach the %s track and answer sendonly, or enter without publishing %s",
				ErrNotSending, mid, kind, dir, kind, kind)
		}
	}
	return nil
}

// direction is the direction attribute among attrs, or def.
func direction(attrs []sdp.Attribute, def string) string {
	for _, a := range attrs {
		switch a.Key {
		case "sendrecv", "sendonly", "recvonly", "inactive":
			return a.Key
		}
	}
	return def
}

// AddCandidate adds a trickled client candidate; candidates that arrive
// between the first offer and its answer are buffered (up to 64), and one
// before any offer is refused with ErrEarlyCandidate.
func (p *Peer) AddCandidate(c webrtc.ICECandidateInit) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	if p.pc.LocalDescription() == nil {
		return ErrEarlyCandidate
	}
	if c.Candidate == "" {
		return nil // end of candidates
	}
	if p.pc.RemoteDescription() == nil {
		if len(p.candidates) >= maxEarlyCandidates {
			return fmt.Errorf("sfu: more than %d candidates before the answer", maxEarlyCandidates)
		}
		p.candidates = append(p.candidates, c)
		return nil
	}
	if err := p.pc.AddICECandidate(c); err != nil {
		return fmt.Errorf("sfu: candidate from %q: %w", p.cfg.UserID, err)
	}
	return nil
}

// Subscribe starts sending pub to this peer (disabled until SetEnabled).
// The caller negotiates afterwards.
func (p *Peer) Subscribe(pub *Publication) (*DownTrack, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	d := newDownTrack(p.e, pub)
	tr, err := p.pc.AddTransceiverFromTrack(d, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return nil, fmt.Errorf("sfu: subscribe %q to %s/%s: %w", p.cfg.UserID, pub.userID, pub.kind, err)
	}
	if err := tr.SetCodecPreferences([]webrtc.RTPCodecParameters{pub.codec}); err != nil {
		_ = p.pc.RemoveTrack(tr.Sender())
		return nil, fmt.Errorf("sfu: subscribe %q to %s/%s: codec %s: %w", p.cfg.UserID, pub.userID, pub.kind, pub.codec.MimeType, err)
	}
	sender := tr.Sender()
	p.downs[d] = sender
	p.wg.Add(1)
	go p.readRTCP(sender, d)
	pub.attach(d)
	return d, nil
}

// Unsubscribe stops sending d and removes its m-line at the next offer.
// The caller negotiates afterwards.
func (p *Peer) Unsubscribe(d *DownTrack) {
	d.pub.detach(d)
	p.mu.Lock()
	defer p.mu.Unlock()
	sender, ok := p.downs[d]
	if !ok || p.closed {
		return
	}
	delete(p.downs, d)
	if err := p.pc.RemoveTrack(sender); err != nil && !errors.Is(err, webrtc.ErrConnectionClosed) {
		p.e.log.Debug("remove track", "user", p.cfg.UserID, "err", err)
	}
}

// readRTCP reads a subscriber leg's RTCP (so the NACK responder and report
// interceptors see it) and forwards keyframe requests to the publisher.
func (p *Peer) readRTCP(s *webrtc.RTPSender, d *DownTrack) {
	defer p.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, _, err := s.Read(buf)
		if err != nil {
			return
		}
		at := time.Now()
		pkts, err := rtcp.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		for _, pk := range pkts {
			switch pk := pk.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				d.pub.RequestKeyframe()
			case *rtcp.ExtendedReport:
				p.answerRRTR(pk, d, at)
			}
		}
	}
}

// onTrack starts a Publication for an upstream track.
func (p *Peer) onTrack(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	pub := newPublication(p, t, r)
	p.wg.Add(2)
	p.mu.Unlock()
	go pub.run()
	go func() {
		defer p.wg.Done()
		buf := make([]byte, 1500)
		for {
			if _, _, err := r.Read(buf); err != nil {
				return
			}
		}
	}()
	if p.cfg.OnPublication != nil {
		p.cfg.OnPublication(pub)
	}
}

// Close detaches this peer's subscriptions, closes the PeerConnection and
// waits for every goroutine of the peer. It is idempotent.
func (p *Peer) Close() error {
	var err error
	p.closeOnce.Do(func() {
		p.closing.Store(true)
		p.mu.Lock()
		p.closed = true
		if p.answerDue != nil {
			p.answerDue.Stop()
		}
		downs := p.downs
		p.downs = map[*DownTrack]*webrtc.RTPSender{}
		p.mu.Unlock()
		for d := range downs {
			d.pub.detach(d)
		}
		err = p.pc.GracefulClose()
		p.wg.Wait()
		p.e.forget(p)
	})
	return err
}

// answerRRTR answers a subscriber's XR receiver reference time (RFC 3611
// §4.4) with a DLRR block, so that the subscriber can measure the round-trip
// time of its receiving leg (pion's stats interceptor computes it as
// remote-outbound RoundTripTime). Convention, as pion's stats expect: the XR
// names the forwarded track's SSRC as its sender SSRC, and so does the DLRR
// report (docs/protocol.md).
func (p *Peer) answerRRTR(xr *rtcp.ExtendedReport, d *DownTrack, at time.Time) {
	b := d.bound.Load()
	if b == nil {
		return
	}
	for _, blk := range xr.Reports {
		rr, ok := blk.(*rtcp.ReceiverReferenceTimeReportBlock)
		if !ok {
			continue
		}
		// DLRR is in 1/65536 s; 0 means "no RRTR received", so at least 1.
		delay := uint32(time.Since(at) * 65536 / time.Second)
		if delay == 0 {
			delay = 1
		}
		reply := &rtcp.ExtendedReport{SenderSSRC: b.ssrc, Reports: []rtcp.ReportBlock{&rtcp.DLRRReportBlock{
			Reports: []rtcp.DLRRReport{{SSRC: b.ssrc, LastRR: uint32(rr.NTPTimestamp >> 16), DLRR: delay}},
		}}}
		_ = p.pc.WriteRTCP([]rtcp.Packet{reply})
	}
}
