package rx

import "time"

// Freeze is one video freeze by the W3C rule: no frame from Start to End.
// A freeze with a zero End is ongoing (reported by CheckFreeze).
type Freeze struct {
	Start    time.Time     // completion of the last frame before the gap
	End      time.Time     // completion of the frame that ended it; zero while ongoing
	Duration time.Duration // End − Start, or the time frozen so far
}

// Ongoing reports whether the freeze has not ended yet.
func (f Freeze) Ongoing() bool { return f.End.IsZero() }

// events collects what to report after the lock is released, so that
// callbacks may call back into the analyzer.
type events struct {
	first      bool
	firstAt    time.Time
	freeze     bool
	freezeEv   Freeze
	source     bool
	sourceName string
	keyframe   bool // the decoder model asks for a keyframe
}

func (a *Analyzer) fire(ev *events) {
	if ev.first && a.onFirstFrame != nil {
		a.onFirstFrame(ev.firstAt)
	}
	if ev.freeze && a.onFreeze != nil {
		a.onFreeze(ev.freezeEv)
	}
	if ev.source && a.onSource != nil {
		a.onSource(ev.sourceName)
	}
	if ev.keyframe && a.onKeyframe != nil {
		a.onKeyframe()
	}
}

// CheckFreeze reports an ongoing freeze: when no frame has completed for the
// freeze threshold up to now, the freeze handler is called once with an
// ongoing Freeze (zero End) and true is returned. The freeze is counted, per
// the W3C rule, only when the next frame arrives (then the handler is called
// again with End set). Snapshot calls it; call it more often for earlier
// freeze-start events.
func (a *Analyzer) CheckFreeze(now time.Time) bool {
	a.mu.Lock()
	// While resync is pending (video was switched back on and its first
	// frame has not come) no gap is being measured: the last frame is from
	// before the pause, and a check then would date a freeze to it that no
	// frame ever ends (the first frame only restarts the measurement).
	if !a.video || a.frozen || a.idle || a.resync || a.firstFrame.IsZero() || a.nIntervals < minFreezeSamples {
		a.mu.Unlock()
		return false
	}
	gap := now.Sub(a.lastFrame)
	if gap < a.freezeThreshold() {
		a.mu.Unlock()
		return false
	}
	a.frozen = true
	f := Freeze{Start: a.lastFrame, Duration: gap}
	a.mu.Unlock()
	if a.onFreeze != nil {
		a.onFreeze(f)
	}
	return true
}

// Expect tells the analyzer whether video frames are expected: false when
// the sender signalled that its video stops (camera off, 1033) or this
// receiver blocked it, true again when it resumes. A freeze is an
// unexpected interruption, so no gap is measured across a signalled pause:
// the first frame after Expect(true) starts a fresh interval. A freeze
// already ongoing when frames stop being expected ends at now and counts:
// the stream stalled before the signal came. A frame still incomplete at
// Expect(true) is abandoned (never counted), and no freeze is checked for
// between Expect(true) and the first frame after it.
func (a *Analyzer) Expect(on bool, now time.Time) {
	var ev events
	a.mu.Lock()
	if a.video && on && a.idle {
		// Frames still incomplete when the video resumes are abandoned,
		// neither rendered nor undecodable: the rest of them was never
		// sent (the stream stopped mid-frame), and the sender resumes on a
		// keyframe. Rendering them late would restart the measurement from
		// a time before the pause, so that the first new frame looked like
		// the end of a freeze.
		a.dec.abandon()
	}
	switch {
	case !on && !a.idle:
		a.idle = true
		if a.frozen {
			a.frozen = false
			gap := max(now.Sub(a.lastFrame), 0)
			a.tot.Freezes++
			a.tot.FreezeDuration += gap
			ev.freeze = true
			ev.freezeEv = Freeze{Start: a.lastFrame, End: now, Duration: gap}
		}
	case on && a.idle:
		a.idle = false
		a.resync = true
	}
	a.mu.Unlock()
	a.fire(&ev)
}
