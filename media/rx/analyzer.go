package rx

import (
	"sync"
	"time"

	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
)

// Recognizer maps a keyframe fingerprint to a camera name;
// (*fixture.Library).Recognize satisfies it.
type Recognizer func(fp uint64) (source string, ok bool)

// Analyzer analyses one received track. Its methods are safe for concurrent
// use (Packet from the read loop, Snapshot from the stats loop). Callbacks
// run on the caller's goroutine after the analyzer's lock is released.
type Analyzer struct {
	codec media.Codec
	video bool
	clock float64 // RTP clock rate, Hz
	start time.Time

	recognize    Recognizer
	onFreeze     func(Freeze)
	onFirstFrame func(at time.Time)
	onSource     func(source string)
	onKeyframe   func()

	mu  sync.Mutex // guards everything below
	ext media.Extensions
	seq seqTracker
	jit jitterEst
	tot Counts // cumulative

	// audio: the current frame's timestamp; video: the decoder model
	frameInit    bool
	curTS        uint32
	dec          decoder
	firstFrame   time.Time
	lastFrame    time.Time // completion time of the last complete frame
	intervals    [freezeWindow]time.Duration
	nIntervals   int
	sumIntervals time.Duration
	frozen       bool // a freeze start was reported and the frame has not come
	// idle: frames are not expected (the sender signalled camera off, or
	// the receiver blocked the video); resync: the next frame restarts the
	// interval measurement instead of closing a gap. See Expect.
	idle, resync bool

	// latency and level since the last snapshot
	lat   latency
	level levelAcc

	source        string
	width, height int       // picture size from the last keyframe (VP8) or SPS (H.264); 0 unknown
	prev          Counts    // totals at the last snapshot
	prevAt        time.Time // time of the last snapshot
	// prevJitterUpdates is jit.updates at the last snapshot.
	prevJitterUpdates uint64
}

// freezeWindow is the number of frame intervals the W3C rule averages.
const freezeWindow = 30

// minFreezeSamples is how many frame intervals must be known before a
// freeze can be detected (libwebrtc uses the same floor).
const minFreezeSamples = 5

// NewAnalyzer creates an analyzer for a track of codec c. start is the
// reference for the first-frame delay (e.g. when the track was subscribed).
func NewAnalyzer(c media.Codec, start time.Time, opts ...Option) *Analyzer {
	a := &Analyzer{codec: c, video: c.Kind() == media.KindVideo, clock: float64(c.ClockRate()), start: start, prevAt: start,
		dec: newDecoder(c)}
	for _, o := range opts {
		o(a)
	}
	return a
}

// SetExtensions sets the negotiated header extension IDs of the track.
func (a *Analyzer) SetExtensions(e media.Extensions) {
	a.mu.Lock()
	a.ext = e
	a.mu.Unlock()
}

// Packet records one received RTP packet that arrived at the given time.
// It neither allocates nor keeps p.
func (a *Analyzer) Packet(p *rtp.Packet, arrival time.Time) {
	a.Observe(&p.Header, p.Payload, arrival)
}

// Observe is Packet for a header and payload held separately.
func (a *Analyzer) Observe(h *rtp.Header, payload []byte, arrival time.Time) {
	var ev events
	a.mu.Lock()
	a.tot.Packets++
	a.tot.Bytes += uint64(len(payload))
	if a.seq.add(h.SequenceNumber) == seqNewest {
		a.jit.add(h.Timestamp, units(arrival.Sub(a.start), a.clock))
	}

	var capture uint64
	if id := a.ext.AbsCaptureTime; id != 0 {
		if b := h.GetExtension(id); b != nil {
			capture, _ = media.AbsCaptureNTP(b)
		}
	}
	if a.video {
		a.videoPacket(h, payload, arrival, capture, &ev)
	} else {
		a.audioPacket(h, arrival, capture, &ev)
	}
	a.mu.Unlock()
	a.fire(&ev)
}

// audioPacket: every audio packet is a frame.
func (a *Analyzer) audioPacket(h *rtp.Header, arrival time.Time, capture uint64, ev *events) {
	if a.frameInit && !newer(h.Timestamp, a.curTS) {
		return // late or duplicate
	}
	a.frameInit, a.curTS = true, h.Timestamp
	a.completeFrame(arrival, capture, false, ev)
	if id := a.ext.AudioLevel; id != 0 {
		if b := h.GetExtension(id); b != nil {
			if lv, _, err := media.AudioLevel(b); err == nil {
				a.level.add(lv)
			}
		}
	}
}

// videoPacket feeds the decoder model (decode.go) and counts the frames it
// renders.
func (a *Analyzer) videoPacket(h *rtp.Header, payload []byte, arrival time.Time, capture uint64, ev *events) {
	if len(payload) == 0 {
		return // padding only (SFU probing, padding on mute): no part of any frame
	}
	if a.codec == media.CodecH264 || media.KeyframeStart(a.codec, payload) {
		if w, h, ok := media.PictureSize(a.codec, payload); ok {
			a.width, a.height = w, h
		}
	}
	if a.recognize != nil && media.KeyframeStart(a.codec, payload) {
		if fp, ok := media.KeyframeFingerprint(a.codec, payload); ok {
			if src, ok := a.recognize(fp); ok && src != a.source {
				a.source = src
				ev.source = true
				ev.sourceName = src
			}
		}
	}
	if a.dec.add(h, payload, arrival, capture) {
		a.tot.KeyframeRequests++
		ev.keyframe = true
	}
	for _, f := range a.dec.out {
		if !f.rendered {
			a.tot.Undecodable++
			continue
		}
		a.completeFrame(arrival, f.capture, f.key, ev)
	}
}

// completeFrame counts a frame that completed at time at, applying the
// freeze rule to the interval since the previous frame.
func (a *Analyzer) completeFrame(at time.Time, capture uint64, key bool, ev *events) {
	a.tot.Frames++
	if key {
		a.tot.Keyframes++
	}
	if capture != 0 {
		a.lat.add(at.Sub(media.TimeFromNTP(capture)))
	}
	if a.firstFrame.IsZero() {
		a.firstFrame = at
		ev.first = true
		ev.firstAt = at
	} else if a.video && (a.idle || a.resync) {
		// No gap is measured across a signalled pause in the video.
		a.resync = false
		a.frozen = false
	} else if a.video {
		gap := at.Sub(a.lastFrame)
		if gap < 0 {
			gap = 0
		}
		if a.nIntervals >= minFreezeSamples && gap >= a.freezeThreshold() {
			a.tot.Freezes++
			a.tot.FreezeDuration += gap
			ev.freeze = true
			ev.freezeEv = Freeze{Start: a.lastFrame, End: at, Duration: gap}
		}
		a.frozen = false
		a.pushInterval(gap)
	}
	if !at.Before(a.lastFrame) {
		a.lastFrame = at
	}
}

// freezeThreshold is max(3·m, m + 150 ms) for m the mean of the recent frame
// intervals.
func (a *Analyzer) freezeThreshold() time.Duration {
	n := min(a.nIntervals, freezeWindow)
	if n == 0 {
		return 0
	}
	m := a.sumIntervals / time.Duration(n)
	return max(3*m, m+150*time.Millisecond)
}

func (a *Analyzer) pushInterval(d time.Duration) {
	i := a.nIntervals % freezeWindow
	if a.nIntervals >= freezeWindow {
		a.sumIntervals -= a.intervals[i]
	}
	a.intervals[i] = d
	a.sumIntervals += d
	a.nIntervals++
}

// newer reports whether RTP timestamp a is after b (serial arithmetic).
func newer(a, b uint32) bool { return a != b && a-b < 1<<31 }
