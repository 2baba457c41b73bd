package rx

import (
	"math"
	"time"

	"github.com/roombot/roombot/media"
)

// Counts are the analyzer's counters, cumulative (Snapshot.Total) or for one
// interval (Snapshot.Delta).
type Counts struct {
	Packets          uint64        // packets received, duplicates included
	Bytes            uint64        // payload bytes received
	Expected         int64         // packets the sender sent (RFC 3550 A.3)
	Lost             int64         // expected − distinct received; a delta may be negative after reordering
	Duplicates       uint64        // packets received more than once
	Late             uint64        // packets older than the reorder window
	Frames           uint64        // frames rendered: video frames a decoder could render (decode.go); audio: packets with a new timestamp
	Keyframes        uint64        // video keyframes rendered
	Undecodable      uint64        // video frames received but not renderable: incomplete after the repair window, or their reference was lost
	KeyframeRequests uint64        // keyframes the decoder model asked for (a bot sends a PLI for each)
	Freezes          uint64        // W3C freezes (video)
	FreezeDuration   time.Duration // total time frozen (W3C totalFreezesDuration)
}

func (c Counts) sub(o Counts) Counts {
	return Counts{
		Packets: c.Packets - o.Packets, Bytes: c.Bytes - o.Bytes, Expected: c.Expected - o.Expected,
		Lost: c.Lost - o.Lost, Duplicates: c.Duplicates - o.Duplicates, Late: c.Late - o.Late,
		Frames: c.Frames - o.Frames, Keyframes: c.Keyframes - o.Keyframes, Freezes: c.Freezes - o.Freezes,
		Undecodable: c.Undecodable - o.Undecodable, KeyframeRequests: c.KeyframeRequests - o.KeyframeRequests,
		FreezeDuration: c.FreezeDuration - o.FreezeDuration,
	}
}

// LossFraction returns Lost/Expected (0 when nothing was expected or the
// interval gained more late packets than it lost).
func (c Counts) LossFraction() float64 {
	if c.Expected <= 0 || c.Lost <= 0 {
		return 0
	}
	return float64(c.Lost) / float64(c.Expected)
}

// Latency summarises end-to-end latency samples (one per frame carrying
// abs-capture-time).
type Latency struct {
	Count          int
	Mean, Min, Max time.Duration
}

type latency struct {
	n             int
	sum, min, max time.Duration
}

func (l *latency) add(d time.Duration) {
	if l.n == 0 || d < l.min {
		l.min = d
	}
	if l.n == 0 || d > l.max {
		l.max = d
	}
	l.n++
	l.sum += d
}

func (l latency) summary() Latency {
	if l.n == 0 {
		return Latency{}
	}
	return Latency{Count: l.n, Mean: l.sum / time.Duration(l.n), Min: l.min, Max: l.max}
}

// levelAcc accumulates audio levels (−dBov) as linear amplitude.
type levelAcc struct {
	n    int
	sum  float64 // of linear levels
	last uint8
}

func (l *levelAcc) add(dBov uint8) {
	l.n++
	l.sum += linear[dBov&0x7F]
	l.last = dBov
}

// linear caches media.LinearLevel for the 128 possible −dBov values so the
// packet path does no math.
var linear = func() (t [128]float64) {
	for i := range t {
		t[i] = media.LinearLevel(float64(i))
	}
	return t
}()

// Snapshot is the analyzer's state at one instant: totals, the counts since
// the previous snapshot, and interval figures.
type Snapshot struct {
	At       time.Time
	Interval time.Duration // since the previous snapshot (or the start)
	Total    Counts
	Delta    Counts
	// FPS is Delta.Frames / Interval.
	FPS float64
	// FirstFrame is when the first frame completed (zero if none yet) and
	// FirstFrameDelay its delay after the analyzer's start time.
	FirstFrame      time.Time
	FirstFrameDelay time.Duration
	// Latency is end-to-end latency over the interval.
	Latency Latency
	// AudioLevel is the W3C audioLevel (linear, 0..1) of the last packet
	// with a level; AudioLevelMean its mean over the interval; NaN when no
	// level was received in the interval.
	AudioLevel, AudioLevelMean float64
	// Source is the recognised camera ("" until a known keyframe arrives).
	Source string
	// Width and Height are the picture size the last keyframe (VP8) or
	// sequence parameter set (H.264) announced; 0 until one arrived.
	Width, Height int
	// Frozen reports an ongoing freeze (no frame for the freeze threshold).
	Frozen bool
	// Jitter is the RFC 3550 interarrival jitter of the original packets
	// (retransmissions and reordered packets left out), and JitterUpdates
	// how many packets updated it in the interval: with none, Jitter is
	// not a measurement of the interval.
	Jitter        time.Duration
	JitterUpdates uint64
}

// Snapshot returns the state at now and starts a new interval. It also runs
// CheckFreeze, so an ongoing freeze is reported at least once per interval.
func (a *Analyzer) Snapshot(now time.Time) Snapshot {
	a.CheckFreeze(now)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tot.Expected = a.seq.expected()
	a.tot.Lost = a.seq.lost()
	a.tot.Duplicates = a.seq.dups
	a.tot.Late = a.seq.late
	s := Snapshot{
		At: now, Interval: now.Sub(a.prevAt), Total: a.tot, Delta: a.tot.sub(a.prev),
		FirstFrame: a.firstFrame, Latency: a.lat.summary(), Source: a.source, Frozen: a.frozen, Width: a.width, Height: a.height,
		AudioLevel: math.NaN(), AudioLevelMean: math.NaN(),
	}
	if !a.firstFrame.IsZero() {
		s.FirstFrameDelay = a.firstFrame.Sub(a.start)
	}
	if s.Interval > 0 {
		s.FPS = float64(s.Delta.Frames) / s.Interval.Seconds()
	}
	if a.level.n > 0 {
		s.AudioLevel = linear[a.level.last&0x7F]
		s.AudioLevelMean = a.level.sum / float64(a.level.n)
	}
	if a.clock > 0 {
		s.Jitter = time.Duration(a.jit.j / a.clock * float64(time.Second))
	}
	s.JitterUpdates = a.jit.updates - a.prevJitterUpdates
	a.prevJitterUpdates = a.jit.updates
	a.prev, a.prevAt = a.tot, now
	a.lat, a.level = latency{}, levelAcc{}
	return s
}

// Source returns the recognised camera, "" if none yet.
func (a *Analyzer) Source() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.source
}
