package rx

import (
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
)

// toggle is a 30 fps, 3-packet-per-frame video track through one camera
// off/on, with every freeze event recorded.
type toggle struct {
	s       *stream
	a       *Analyzer
	freezes []Freeze
}

func newToggle() *toggle {
	tg := &toggle{s: newStream(1, 1, 30, 3)}
	tg.a = NewAnalyzer(media.CodecVP8, tg.s.t0, WithFreezeHandler(func(f Freeze) { tg.freezes = append(tg.freezes, f) }))
	return tg
}

// feed delivers frames [from, to) shifted by extra, the first `part`
// packets only of the last one when part > 0; it returns the last arrival.
func (tg *toggle) feed(from, to int, extra time.Duration, part int) time.Time {
	var at time.Time
	for i := from; i < to; i++ {
		var pkts []rtp.Packet
		pkts, at = tg.s.frame(i, extra, 0)
		if i == to-1 && part > 0 {
			pkts = pkts[:part]
		}
		for k := range pkts {
			tg.a.Packet(&pkts[k], at)
		}
	}
	return at
}

// TestCameraOffMidFrameNoFalseFreeze (issue 8, item 26a): camera off
// arrives after the first packet of a frame; the rest of that frame never
// comes. After camera on, the first new frame must not be measured against
// the stale half frame: no freeze at all.
func TestCameraOffMidFrameNoFalseFreeze(t *testing.T) {
	t.Parallel()
	tg := newToggle()
	last := tg.feed(0, 61, 0, 1) // frame 60: its first packet only
	tg.a.Expect(false, last.Add(5*time.Millisecond))
	on := last.Add(2 * time.Second)
	tg.a.Expect(true, on)
	// The first frames after camera on, 60 ms after the signal.
	tg.s.keys[61] = true // the sender resumes on a keyframe
	end := tg.feed(61, 120, 2*time.Second+60*time.Millisecond, 0)
	snap := tg.a.Snapshot(end)
	if snap.Total.Freezes != 0 || len(tg.freezes) != 0 {
		t.Fatalf("camera off mid-frame then on: %d freezes, events %+v; want none", snap.Total.Freezes, tg.freezes)
	}
	if snap.Total.Frames != 60+59 {
		t.Errorf("%d frames, want 119 (the half frame is not a frame)", snap.Total.Frames)
	}
}

// TestSnapshotBeforeFirstFrameAfterCameraOn (issue 8, items 8 and 26b): a
// once-a-second snapshot that falls between the camera-on signal and the
// first frame after it must not report a freeze (it was dated to the last
// frame before the pause and no frame ever ended it). Also when the last
// frame before camera off arrived just before the signal.
func TestSnapshotBeforeFirstFrameAfterCameraOn(t *testing.T) {
	t.Parallel()
	for _, lead := range []time.Duration{10 * time.Millisecond, 300 * time.Millisecond} {
		tg := newToggle()
		last := tg.feed(0, 60, 0, 0)
		tg.a.Expect(false, last.Add(lead))
		tg.a.Snapshot(last.Add(time.Second)) // while off: nothing
		on := last.Add(3 * time.Second)
		tg.a.Expect(true, on)
		tg.a.Snapshot(on.Add(5 * time.Millisecond)) // the race: between on and its first frame
		tg.s.keys[60] = true                        // the sender resumes on a keyframe
		end := tg.feed(60, 120, 3*time.Second+80*time.Millisecond, 0)
		snap := tg.a.Snapshot(end.Add(time.Millisecond))
		if snap.Total.Freezes != 0 || len(tg.freezes) != 0 || snap.Frozen {
			t.Fatalf("last frame %v before camera off: %d freezes, events %+v, frozen %v; want none",
				lead, snap.Total.Freezes, tg.freezes, snap.Frozen)
		}
		// The measurement restarted: a real stall after the resume is a
		// freeze again, started and ended.
		stall := end.Add(500 * time.Millisecond)
		if !tg.a.CheckFreeze(stall) {
			t.Fatal("a stall after the resume is not seen")
		}
		tg.feed(120, 121, 3*time.Second+80*time.Millisecond+600*time.Millisecond, 0)
		if n := len(tg.freezes); n != 2 || !tg.freezes[0].Ongoing() || tg.freezes[1].Ongoing() {
			t.Fatalf("stall after the resume: events %+v, want ongoing then ended", tg.freezes)
		}
	}
}
