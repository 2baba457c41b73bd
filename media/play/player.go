package play

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// Writer receives the packets of one track; *webrtc.TrackLocalStaticRTP
// satisfies it. WriteRTP is called from a scheduler goroutine, must not
// block for long, and must not keep the packet or its payload after it
// returns (pion's track marshals it synchronously).
type Writer interface {
	WriteRTP(p *rtp.Packet) error
}

// Player sends one track: a clip paced in real time by a Scheduler. Its
// methods are safe for concurrent use; they take effect at the next frame.
type Player struct {
	shard *shard // set by Scheduler.add
	w     Writer
	lib   *fixture.Library

	// due is the time the next frame is scheduled for. The shard reads it
	// while the player is in its heap and writes it only while it is not.
	due time.Time

	mu             sync.Mutex // guards the fields below; held while a frame is written
	clip           *fixture.Clip
	idx            int       // frame to send next
	seq            uint16    // next sequence number
	ts             uint32    // RTP timestamp of frame idx
	t0             time.Time // schedule origin
	elapsed        uint64    // RTP clock units from t0 to frame idx
	muted          bool
	needKey        bool      // video must resume on a keyframe
	wantKey        bool      // a keyframe was requested
	talkspurt      bool      // next audio packet starts a talkspurt (marker bit)
	lastKey        time.Time // last jump made to answer a request
	keyMinInterval time.Duration
	ext            media.Extensions
	extSet         bool // pkt's extension list matches ext
	closed         bool

	pkt rtp.Packet // reused for every packet
	abs [media.AbsCaptureTimeSize]byte
	lvl [1]byte

	stats counters
}

// counters are read without the player lock.
type counters struct {
	packets, bytes, frames, keyframes, loops     atomic.Uint64
	keyRequests, keyJumps, switches, writeErrors atomic.Uint64
}

// Stats are a player's cumulative counters.
type Stats struct {
	Packets          uint64 // RTP packets written
	Bytes            uint64 // payload bytes written
	Frames           uint64 // frames written
	Keyframes        uint64 // keyframes written (video)
	Loops            uint64 // times the clip wrapped around
	KeyframeRequests uint64 // RequestKeyframe calls
	KeyframeJumps    uint64 // jumps to a keyframe made to answer them
	Switches         uint64 // camera switches carried out
	WriteErrors      uint64 // WriteRTP calls that failed
}

// New creates a Player of clip writing to w, scheduled on s, and starts it:
// the first frame (a keyframe for video) is due at once unless the player
// starts muted.
func New(s *Scheduler, w Writer, clip *fixture.Clip, opts ...Option) (*Player, error) {
	if s == nil || w == nil || clip == nil || len(clip.Frames) == 0 {
		return nil, fmt.Errorf("play: New needs a scheduler, a writer and a non-empty clip")
	}
	p := &Player{w: w, clip: clip, talkspurt: true}
	defaultPlayer(p)
	for _, o := range opts {
		if err := o(p); err != nil {
			return nil, err
		}
	}
	p.t0 = time.Now()
	p.due = p.t0
	if err := s.add(p); err != nil {
		return nil, err
	}
	return p, nil
}

// SetExtensions sets the negotiated header extension IDs; zero IDs are not
// written. Call it once negotiation is done if they were unknown at New.
func (p *Player) SetExtensions(e media.Extensions) {
	p.mu.Lock()
	if p.ext != e {
		p.ext, p.extSet = e, false
	}
	p.mu.Unlock()
}

// SetMuted stops (true) or resumes (false) sending. The RTP clock keeps
// running while muted; video resumes on a keyframe, audio with the marker
// bit of a new talkspurt. Signalling the state to the room is the caller's
// job.
func (p *Player) SetMuted(muted bool) {
	p.mu.Lock()
	if muted && !p.muted {
		p.needKey = true
		p.talkspurt = true
	}
	p.muted = muted
	p.mu.Unlock()
}

// SetCameraOff is SetMuted for a video player, named after the room action.
func (p *Player) SetCameraOff(off bool) { p.SetMuted(off) }

// Muted reports whether the player is muted (camera off).
func (p *Player) Muted() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.muted
}

// RequestKeyframe asks for a keyframe: the next frame sent jumps to the next
// keyframe of the loop; when a keyframe was sent for a request within the
// rate limit (WithKeyframeMinInterval), the first frame after the limit
// does (unless a natural keyframe came first). Cheap enough to call from an RTCP reader.
func (p *Player) RequestKeyframe() {
	p.stats.keyRequests.Add(1)
	p.mu.Lock()
	p.wantKey = true
	p.mu.Unlock()
}

// ForceKeyframe makes the next frame sent a keyframe (video), outside the
// rate limit of RequestKeyframe and without using it up: for the sender's
// own reasons, such as a stream that has just been bound.
func (p *Player) ForceKeyframe() {
	p.mu.Lock()
	p.needKey = true
	p.mu.Unlock()
}

// SwitchSource switches a video player to the clip of camera source with the
// same codec and height, without renegotiation: the next frame sent is a
// keyframe of the new clip near the same loop position.
func (p *Player) SwitchSource(source string) error {
	p.mu.Lock()
	cur := p.clip
	lib := p.lib
	p.mu.Unlock()
	if cur.Kind() != media.KindVideo {
		return fmt.Errorf("%w: %s is an audio clip", ErrIncompatible, cur.Name)
	}
	if lib == nil {
		var err error
		if lib, err = fixture.Default(); err != nil {
			return err
		}
	}
	c, err := lib.Video(source, cur.Codec, cur.Height)
	if err != nil {
		return fmt.Errorf("switch camera: %w", err)
	}
	return p.SwitchClip(c)
}

// SwitchClip switches to another clip of the same codec (another camera or
// resolution); the next frame sent is one of its keyframes.
func (p *Player) SwitchClip(c *fixture.Clip) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	if c == nil || c.Codec != p.clip.Codec || len(c.Frames) == 0 {
		return fmt.Errorf("%w: cannot switch %s to another codec or an empty clip", ErrIncompatible, p.clip.Name)
	}
	if c == p.clip {
		return nil
	}
	if c.Kind() == media.KindVideo {
		p.idx = c.KeyframeNear(p.idx * c.FPS / max(p.clip.FPS, 1))
	} else {
		p.idx = 0
	}
	p.clip = c
	p.stats.switches.Add(1)
	return nil
}

// Source returns the camera (or "mic") the player is sending.
func (p *Player) Source() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.clip.Source
}

// Clip returns the clip the player is sending.
func (p *Player) Clip() *fixture.Clip {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.clip
}

// Stats returns the player's cumulative counters.
func (p *Player) Stats() Stats {
	c := &p.stats
	return Stats{
		Packets: c.packets.Load(), Bytes: c.bytes.Load(), Frames: c.frames.Load(),
		Keyframes: c.keyframes.Load(), Loops: c.loops.Load(), KeyframeRequests: c.keyRequests.Load(),
		KeyframeJumps: c.keyJumps.Load(), Switches: c.switches.Load(), WriteErrors: c.writeErrors.Load(),
	}
}

// Close stops the player. No packet is written after Close returns. Close is
// idempotent.
func (p *Player) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	return nil
}

type rtpExtension = rtp.Extension
