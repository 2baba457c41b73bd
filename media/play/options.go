package play

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// Defaults of the package.
const (
	// DefaultKeyframeMinInterval rate-limits RequestKeyframe: a request
	// within this time of the last keyframe sent to answer one is answered
	// at the end of it (or by a natural keyframe before).
	DefaultKeyframeMinInterval = 300 * time.Millisecond
	// DefaultMaxLag is how late a frame may be before a Player gives up
	// catching up and restarts its schedule from now (a burst of a second
	// of frames would hurt more than a gap).
	DefaultMaxLag = time.Second
)

// SchedulerOption configures NewScheduler.
type SchedulerOption func(*Scheduler) error

// WithShards sets the number of pacing goroutines (default GOMAXPROCS).
func WithShards(n int) SchedulerOption {
	return func(s *Scheduler) error {
		if n < 1 || n > 256 {
			return fmt.Errorf("play: shards %d out of range 1..256", n)
		}
		s.nshards = n
		return nil
	}
}

// WithMaxLag sets how late a frame may be before its player's schedule is
// restarted from now (default DefaultMaxLag).
func WithMaxLag(d time.Duration) SchedulerOption {
	return func(s *Scheduler) error {
		if d < 10*time.Millisecond {
			return fmt.Errorf("play: max lag %v below 10ms", d)
		}
		s.maxLag = d
		return nil
	}
}

// Option configures a Player.
type Option func(*Player) error

// WithExtensions sets the negotiated header extension IDs (they can also be
// set later with SetExtensions, once negotiation is done).
func WithExtensions(e media.Extensions) Option {
	return func(p *Player) error { p.ext = e; return nil }
}

// WithLibrary sets the library SwitchSource looks clips up in (default
// fixture.Default()).
func WithLibrary(l *fixture.Library) Option {
	return func(p *Player) error { p.lib = l; return nil }
}

// WithInitialSequence sets the first sequence number (default random).
func WithInitialSequence(seq uint16) Option {
	return func(p *Player) error { p.seq = seq; return nil }
}

// WithInitialTimestamp sets the first RTP timestamp (default random).
func WithInitialTimestamp(ts uint32) Option {
	return func(p *Player) error { p.ts = ts; return nil }
}

// WithMuted starts the player muted (camera off for video).
func WithMuted(muted bool) Option {
	return func(p *Player) error { p.muted = muted; p.needKey = muted; return nil }
}

// WithKeyframeMinInterval sets the RequestKeyframe rate limit (default
// DefaultKeyframeMinInterval; 0 answers every request).
func WithKeyframeMinInterval(d time.Duration) Option {
	return func(p *Player) error {
		if d < 0 {
			return fmt.Errorf("play: keyframe interval %v < 0", d)
		}
		p.keyMinInterval = d
		return nil
	}
}

func defaultPlayer(p *Player) {
	p.seq = uint16(rand.Uint32())
	p.ts = rand.Uint32()
	p.keyMinInterval = DefaultKeyframeMinInterval
}
