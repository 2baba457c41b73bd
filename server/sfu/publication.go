package sfu

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Publication is one upstream track of a participant, fanned out to the
// DownTracks attached to it. Its methods are safe for concurrent use.
type Publication struct {
	peer   *Peer
	userID string
	kind   string // "audio" or "video"
	track  *webrtc.TrackRemote
	codec  webrtc.RTPCodecParameters
	extIDs map[string]uint8 // URI → ID on the publisher leg

	mu   sync.Mutex                   // serialises attach/detach (copy-on-write of subs)
	subs atomic.Pointer[[]*DownTrack] // read by the forwarding loop without locks

	hold       atomic.Bool  // the publisher muted / turned its camera off
	pauseUntil atomic.Int64 // unix ns; admin fault "stop forwarding for a while"
	lastPLI    atomic.Int64 // unix ns of the last keyframe request sent
	done       chan struct{}
}

func newPublication(p *Peer, t *webrtc.TrackRemote, r *webrtc.RTPReceiver) *Publication {
	pub := &Publication{
		peer: p, userID: p.cfg.UserID, kind: t.Kind().String(), track: t, codec: t.Codec(),
		extIDs: map[string]uint8{}, done: make(chan struct{}),
	}
	for _, h := range r.GetParameters().HeaderExtensions {
		pub.extIDs[h.URI] = uint8(h.ID)
	}
	empty := []*DownTrack{}
	pub.subs.Store(&empty)
	return pub
}

// UserID is the publisher's userID.
func (p *Publication) UserID() string { return p.userID }

// Kind is "audio" or "video".
func (p *Publication) Kind() string { return p.kind }

// Codec is the publisher leg's negotiated codec.
func (p *Publication) Codec() webrtc.RTPCodecParameters { return p.codec }

// Done is closed when the publication ended (publisher left or its track stopped).
func (p *Publication) Done() <-chan struct{} { return p.done }

// SetHold stops (true) or resumes (false) forwarding to every subscriber,
// for the publisher's own mute / camera off.
func (p *Publication) SetHold(on bool) {
	if was := p.hold.Swap(on); was && !on {
		p.RequestKeyframe()
	}
}

// PauseFor stops forwarding for d (admin fault); d <= 0 resumes at once.
func (p *Publication) PauseFor(d time.Duration) {
	if d <= 0 {
		p.pauseUntil.Store(0)
		return
	}
	p.pauseUntil.Store(time.Now().Add(d).UnixNano())
}

// RequestKeyframe asks the publisher for a keyframe (PLI), at most once per
// the engine's KeyframeInterval. It is a no-op for audio.
func (p *Publication) RequestKeyframe() {
	if p.kind != "video" {
		return
	}
	now := time.Now().UnixNano()
	last := p.lastPLI.Load()
	if now-last < int64(p.peer.e.kfGap) || !p.lastPLI.CompareAndSwap(last, now) {
		p.peer.e.stats.KeyframeRequestsMuted.Add(1)
		return
	}
	p.peer.e.stats.KeyframeRequests.Add(1)
	_ = p.peer.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(p.track.SSRC())}})
}

func (p *Publication) attach(d *DownTrack) {
	p.mu.Lock()
	defer p.mu.Unlock()
	old := *p.subs.Load()
	next := make([]*DownTrack, 0, len(old)+1)
	next = append(next, old...)
	next = append(next, d)
	p.subs.Store(&next)
}

func (p *Publication) detach(d *DownTrack) {
	p.mu.Lock()
	defer p.mu.Unlock()
	old := *p.subs.Load()
	next := make([]*DownTrack, 0, len(old))
	for _, x := range old {
		if x != d {
			next = append(next, x)
		}
	}
	p.subs.Store(&next)
}

// run is the forwarding loop: one read, one parse, and one write per
// enabled subscriber per packet, with no per-packet allocation of its own.
func (p *Publication) run() {
	defer p.peer.wg.Done()
	defer close(p.done)
	st := &p.peer.e.stats
	buf := make([]byte, 1500)
	var pkt rtp.Packet
	paused := false
	for {
		n, _, err := p.track.Read(buf)
		if err != nil {
			return
		}
		if err := pkt.Unmarshal(buf[:n]); err != nil {
			continue
		}
		st.PacketsIn.Add(1)
		st.BytesIn.Add(uint64(n))
		hold := p.hold.Load()
		if until := p.pauseUntil.Load(); until != 0 {
			if time.Now().UnixNano() < until {
				hold = true
				paused = true
			} else {
				p.pauseUntil.CompareAndSwap(until, 0)
			}
		}
		if paused && !hold {
			paused = false
			p.RequestKeyframe()
		}
		var out, outBytes, held uint64
		for _, d := range *p.subs.Load() {
			if d.write(&pkt, hold) {
				out++
				outBytes += uint64(n)
			} else {
				held++
			}
		}
		if out > 0 {
			st.PacketsOut.Add(out)
			st.BytesOut.Add(outBytes)
		}
		if held > 0 {
			st.PacketsHeld.Add(held)
		}
	}
}
