package play

import (
	"testing"
	"time"

	"github.com/pion/rtcp"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
	"github.com/roombot/roombot/media/keyframe"
)

func clips(t *testing.T, codec media.Codec, vframes, aframes int) (*fixture.Clip, *fixture.Clip) {
	t.Helper()
	lib, err := fixture.Default()
	if err != nil {
		t.Fatal(err)
	}
	v, err := lib.Video("front", codec, 360)
	if err != nil {
		t.Fatal(err)
	}
	a, err := lib.Audio()
	if err != nil {
		t.Fatal(err)
	}
	if vframes > 0 {
		if v, err = v.Trim(vframes); err != nil {
			t.Fatal(err)
		}
	}
	if aframes > 0 {
		if a, err = a.Trim(aframes); err != nil {
			t.Fatal(err)
		}
	}
	return v, a
}

// TestLoopContinuity plays half-second loops over a real PeerConnection pair
// and checks pacing, seamless loops, keyframes at each loop start, header
// extensions and what the analyzer makes of it.
func TestLoopContinuity(t *testing.T) {
	for _, codec := range []media.Codec{media.CodecVP8, media.CodecH264} {
		t.Run(codec.String(), func(t *testing.T) {
			vclip, aclip := clips(t, codec, 15, 25)
			r := newRig(t, vclip, aclip)
			vf := r.rv.waitFrames(t, 50)
			af := r.ra.waitFrames(t, 80)

			checkContinuity(t, "video", vf, 3000, true)
			checkContinuity(t, "audio", af, 960, true)
			// Frame 0 should be the first received; if the very first
			// packets were lost to connection start-up, align on the first
			// keyframe instead (it must come within one loop).
			k0 := 0
			for k0 < 15 && !vf[k0].key {
				k0++
			}
			if k0 == 15 {
				t.Fatal("no keyframe in the first loop")
			}
			for i, f := range vf[:50] {
				if want := (i-k0+15)%15 == 0; f.key != want {
					t.Errorf("video frame %d: keyframe %v, want %v", i, f.key, want)
				}
				// abs-capture-time is the schedule: exactly 1/30 s apart
				// (a frame coalesced with another player's may be up to
				// 2 ms early and is then stamped with its write time).
				want := time.Duration(i) * time.Second / 30
				if d := f.capture.Sub(vf[0].capture) - want; d < -coalesce-time.Microsecond || d > coalesce+time.Microsecond {
					t.Errorf("video frame %d: scheduled %v after frame 0, want %v", i, f.capture.Sub(vf[0].capture), want)
				}
				if lat := f.at.Sub(f.capture); lat < 0 || lat > DefaultMaxLag {
					t.Errorf("video frame %d: latency %v from abs-capture-time", i, lat)
				}
			}
			// Real-time pacing, with room for a loaded 2-core machine.
			if span := vf[49].at.Sub(vf[0].at); span < 1300*time.Millisecond || span > 2500*time.Millisecond {
				t.Errorf("50 frames took %v, want ~1.633s at 30 fps", span)
			}
			// The levels are the clip's, in order (aligned on the first
			// received packet's place in the loop).
			shift := -1
			for sh := 0; sh < 25 && shift < 0; sh++ {
				ok := true
				for i, f := range af[:80] {
					ok = ok && f.level == int(aclip.Frames[(i+sh)%25].Level)
				}
				if ok {
					shift = sh
				}
			}
			if shift < 0 {
				t.Errorf("received audio levels do not follow the clip's")
			}
			s := r.rv.a.Snapshot(time.Now())
			if s.Total.Lost != 0 || s.Total.Frames < 50 || s.Source != "front" || s.Latency.Count == 0 || s.Latency.Mean > DefaultMaxLag/2 {
				t.Errorf("analyzer: lost %d frames %d source %q latency %+v", s.Total.Lost, s.Total.Frames, s.Source, s.Latency)
			}
			if st := r.video.Stats(); st.Loops < 3 || st.Keyframes < 4 {
				t.Errorf("player stats %+v, want ≥3 loops", st)
			}
			if lag := r.sched.Lag(); lag.Frames < 100 || lag.Max > DefaultMaxLag+DefaultMaxLag/2 {
				t.Errorf("pacing lag %+v", lag)
			}
		})
	}
}

// TestMuteSwitchKeyframe drives one video player through camera off/on, a
// camera switch and a PLI, checking what the receiver gets each time.
func TestMuteSwitchKeyframe(t *testing.T) {
	vclip, aclip := clips(t, media.CodecVP8, 0, 0)
	r := newRig(t, vclip, aclip)
	r.rv.waitFrames(t, 10)

	// Camera off and mic muted for 400 ms.
	r.video.SetCameraOff(true)
	r.audio.SetMuted(true)
	before := len(r.rv.waitFrames(t, 0))
	<-time.After(400 * time.Millisecond) // the length of the mute is the test's input
	r.video.SetCameraOff(false)
	r.audio.SetMuted(false)
	vf := r.rv.waitFrames(t, before+10)
	af := r.ra.waitFrames(t, 0)
	checkContinuity(t, "video", vf, 3000, false)
	checkContinuity(t, "audio", af, 960, false)
	checkGap(t, "video", vf, 90, true)
	checkGap(t, "audio", af, 48, false)

	// Switch to the back camera: the next frame is a keyframe of it.
	lib, _ := fixture.Default()
	n := len(r.rv.waitFrames(t, 0))
	switched := time.Now()
	if err := r.video.SwitchSource("back"); err != nil {
		t.Fatal(err)
	}
	vf = r.rv.waitFrames(t, n+5)
	sw := -1
	for i := n; i < len(vf) && sw < 0; i++ {
		if src, ok := lib.Recognize(vf[i].fp); ok && src == "back" {
			sw = i
		}
	}
	// Frames due after the switch were written after it: the first of them
	// (due within one frame interval) must already be the back keyframe.
	if sw < 0 || !vf[sw].key || vf[sw].capture.Sub(switched) > 40*time.Millisecond {
		t.Fatalf("no back-camera keyframe right after the switch (frame %d of %d)", sw, len(vf))
	}
	for _, f := range vf[n:sw] {
		if src, ok := lib.Recognize(f.fp); ok && src != "front" {
			t.Fatalf("frame before the switch recognised as %q", src)
		}
	}
	checkContinuity(t, "video", vf, 3000, false)
	if r.video.Source() != "back" {
		t.Errorf("player source %q", r.video.Source())
	}

	// 400 ms after that keyframe the next natural one is 600 ms away: a PLI
	// must bring one at once.
	vf = r.rv.waitFrames(t, sw+12)
	ssrc := uint32(r.pair.Receiver.GetTransceivers()[0].Receiver().Track().SSRC())
	if err := r.pair.Receiver.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}}); err != nil {
		t.Fatal(err)
	}
	var reqAt time.Time
	select {
	case req := <-r.keyReqs:
		if req.SSRC != ssrc || req.Type != keyframe.PLI {
			t.Fatalf("keyframe request %+v, want PLI for %d", req, ssrc)
		}
		reqAt = req.at
	case <-time.After(5 * time.Second):
		t.Fatal("the PLI never reached the keyframe interceptor")
	}
	// The first frame scheduled after the request (or one written late
	// just before it) is a keyframe, not the natural one 600 ms later.
	m := len(vf)
	vf = r.rv.waitFrames(t, m+6)
	got := false
	for _, f := range vf[m:] {
		if f.key {
			got = f.capture.Sub(reqAt) < 100*time.Millisecond
			break
		}
	}
	if !got {
		t.Fatalf("no keyframe scheduled within 100 ms of the PLI")
	}
	if st := r.video.Stats(); st.KeyframeJumps != 1 || st.Switches != 1 {
		t.Errorf("stats %+v, want one jump and one switch", st)
	}
	// A second request right away is inside the rate limit.
	r.video.RequestKeyframe()
	vf = r.rv.waitFrames(t, len(vf)+3)
	if st := r.video.Stats(); st.KeyframeJumps != 1 || st.KeyframeRequests != 2 {
		t.Errorf("rate limit: stats %+v", st)
	}
	checkContinuity(t, "video", vf, 3000, false)
}

// checkGap finds the one gap of over 300 ms in the capture times (the mute:
// capture times are the schedule, so machine load cannot fake one) and
// checks that the RTP clock advanced exactly with it and, for video, that
// the stream resumed on a keyframe.
func checkGap(t *testing.T, name string, fs []rxFrame, perMs uint32, key bool) {
	t.Helper()
	gaps := 0
	for i := 1; i < len(fs); i++ {
		gap := fs[i].capture.Sub(fs[i-1].capture)
		if gap < 300*time.Millisecond {
			continue
		}
		gaps++
		if key && !fs[i].key {
			t.Errorf("%s resumed on a delta frame", name)
		}
		want := uint32(gap.Microseconds()) * perMs / 1000
		slack := 2*perMs*uint32(coalesce/time.Millisecond) + 1
		if d := fs[i].ts - fs[i-1].ts; d+slack < want || d > want+slack {
			t.Errorf("%s: timestamp advanced %d over a %v gap, want %d", name, d, gap, want)
		}
	}
	if gaps != 1 {
		t.Errorf("%s: %d gaps over 300 ms, want 1 (the mute)", name, gaps)
	}
}
