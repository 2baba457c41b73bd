package rx

import (
	"math"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// stream synthesises a video track: frames of n packets at a fixed rate.
type stream struct {
	t0      time.Time
	seq     uint16
	ts      uint32
	perTick time.Duration
	n       int
	abs     [8]byte
	pkt     rtp.Packet
	// keys are the keyframes besides frame 0 (always one): a decoder
	// renders nothing before a keyframe.
	keys map[int]bool
}

func newStream(seq uint16, ts uint32, fps, n int) *stream {
	s := &stream{t0: time.Unix(1_700_000_000, 0), seq: seq, ts: ts, perTick: time.Second / time.Duration(fps), n: n, keys: map[int]bool{0: true}}
	_ = s.pkt.Header.SetExtension(3, s.abs[:])
	return s
}

// frame returns the packets of frame i (arrival at t0 + i·interval + extra).
func (s *stream) frame(i int, extra, delay time.Duration) (pkts []rtp.Packet, at time.Time) {
	capture := s.t0.Add(time.Duration(i) * s.perTick)
	at = capture.Add(extra + delay)
	for k := 0; k < s.n; k++ {
		// VP8: the S bit on the frame's first packet, whose payload
		// header has P clear for a keyframe.
		payload := []byte{0x00, 0x01, 0x02}
		if k == 0 {
			payload[0] = 0x10
			if s.keys[i] {
				payload[1] = 0x00
			}
		}
		p := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: s.seq, Timestamp: s.ts, Marker: k == s.n-1}, Payload: payload}
		var abs [8]byte
		media.PutAbsCaptureTime(abs[:], capture)
		_ = p.Header.SetExtension(3, abs[:])
		pkts = append(pkts, p)
		s.seq++
	}
	s.ts += uint32(90000 / int(time.Second/s.perTick))
	return pkts, at
}

func TestLossWrapReorderDuplicates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		start    uint16
		drop     map[int]bool // packet indexes not delivered
		dup      map[int]bool // delivered twice
		swap     map[int]bool // delivered after the next one
		wantLost int64
		wantDups uint64
	}{
		{name: "clean", start: 100},
		{name: "loss of 7 across wrap", start: 65500, drop: map[int]bool{10: true, 30: true, 35: true, 36: true, 37: true, 60: true, 99: true}, wantLost: 7},
		{name: "duplicates are not received twice", start: 65530, dup: map[int]bool{3: true, 4: true, 50: true}, wantDups: 3},
		{name: "reordering is not loss", start: 65534, swap: map[int]bool{0: true, 5: true, 20: true}},
		{name: "all three", start: 65000, drop: map[int]bool{40: true, 41: true}, dup: map[int]bool{10: true}, swap: map[int]bool{60: true}, wantLost: 2, wantDups: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := NewAnalyzer(media.CodecOpus, time.Unix(0, 0))
			var order []uint16
			for i := 0; i < 200; i++ {
				seq := tc.start + uint16(i)
				switch {
				case tc.drop[i]:
				case tc.swap[i]:
					order = append(order, seq+1, seq)
					i++
				default:
					order = append(order, seq)
					if tc.dup[i] {
						order = append(order, seq)
					}
				}
			}
			for k, seq := range order {
				a.Packet(&rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: uint32(seq) * 960}, Payload: make([]byte, 10)}, time.Unix(0, int64(k)))
			}
			s := a.Snapshot(time.Unix(1, 0))
			if s.Total.Lost != tc.wantLost || s.Total.Duplicates != tc.wantDups || s.Total.Expected != 200 {
				t.Fatalf("expected %d lost %d dups %d; want 200, %d, %d", s.Total.Expected, s.Total.Lost, s.Total.Duplicates, tc.wantLost, tc.wantDups)
			}
			if s.Total.Packets != uint64(len(order)) {
				t.Fatalf("packets %d, want %d", s.Total.Packets, len(order))
			}
		})
	}
}

func TestFramesFreezeAndLatency(t *testing.T) {
	t.Parallel()
	const fps, frames, gapAt = 30, 300, 150
	delay := 42 * time.Millisecond
	var freezes []Freeze
	var first time.Time
	s := newStream(65000, 4_294_000_000, fps, 3)
	a := NewAnalyzer(media.CodecVP8, s.t0,
		WithExtensions(media.Extensions{AbsCaptureTime: 3}),
		WithFreezeHandler(func(f Freeze) { freezes = append(freezes, f) }),
		WithFirstFrameHandler(func(at time.Time) { first = at }))
	var extra time.Duration
	var last time.Time
	for i := 0; i < frames; i++ {
		if i == gapAt {
			extra += 500 * time.Millisecond // a 500 ms stall: exactly one freeze
		}
		pkts, at := s.frame(i, extra, delay)
		for k := range pkts {
			a.Packet(&pkts[k], at)
		}
		last = at
		if i == gapAt-1 {
			// Halfway through the stall the freeze is seen as ongoing.
			if !a.CheckFreeze(at.Add(300 * time.Millisecond)) {
				t.Error("CheckFreeze did not see the ongoing freeze")
			}
		}
	}
	snap := a.Snapshot(last)
	if snap.Total.Frames != frames || snap.Total.Lost != 0 || snap.Total.Packets != 3*frames {
		t.Fatalf("frames %d packets %d lost %d", snap.Total.Frames, snap.Total.Packets, snap.Total.Lost)
	}
	if snap.Total.Freezes != 1 {
		t.Fatalf("freezes %d, want 1", snap.Total.Freezes)
	}
	wantGap := time.Second/fps + 500*time.Millisecond
	if d := snap.Total.FreezeDuration; d < wantGap-time.Millisecond || d > wantGap+time.Millisecond {
		t.Errorf("freeze duration %v, want %v", d, wantGap)
	}
	if len(freezes) != 2 || !freezes[0].Ongoing() || freezes[1].Ongoing() {
		t.Errorf("freeze events %+v, want one ongoing then one ended", freezes)
	}
	if snap.Latency.Count != frames || snap.Latency.Min != delay || snap.Latency.Max != delay+500*time.Millisecond {
		t.Errorf("latency %+v, want %d samples from %v", snap.Latency, frames, delay)
	}
	if first != s.t0.Add(delay) || snap.FirstFrameDelay != delay {
		t.Errorf("first frame %v delay %v, want %v", first, snap.FirstFrameDelay, delay)
	}
	if fps := snap.FPS; math.Abs(fps-float64(frames)/last.Sub(s.t0).Seconds()) > 0.01 {
		t.Errorf("fps %.2f", fps)
	}
}

// TestLostMarkerMakesFramesUndecodable: frame 4 lost its marker packet, so
// it is incomplete; the frames after it reference it, so nothing renders
// until the keyframe at frame 20, and one keyframe request goes out when the
// repair window of frame 4 has passed.
func TestLostMarkerMakesFramesUndecodable(t *testing.T) {
	t.Parallel()
	s := newStream(1, 1, 30, 2)
	s.keys[20] = true
	asked := 0
	a := NewAnalyzer(media.CodecVP8, s.t0, WithKeyframeRequester(func() { asked++ }))
	for i := 0; i < 30; i++ {
		pkts, at := s.frame(i, 0, 0)
		for k := range pkts {
			if i == 4 && pkts[k].Marker {
				continue // the marker packet of frame 4 is lost
			}
			a.Packet(&pkts[k], at)
		}
	}
	snap := a.Snapshot(s.t0.Add(time.Second))
	if snap.Total.Frames != 4+10 || snap.Total.Undecodable != 16 || snap.Total.Lost != 1 {
		t.Fatalf("rendered %d undecodable %d lost %d, want 14, 16 (frames 4-19) and 1", snap.Total.Frames, snap.Total.Undecodable, snap.Total.Lost)
	}
	if asked != 1 || snap.Total.KeyframeRequests != 1 {
		t.Fatalf("%d keyframe requests (%d counted), want 1", asked, snap.Total.KeyframeRequests)
	}
}

func TestIntervalDeltas(t *testing.T) {
	t.Parallel()
	s := newStream(1, 1, 10, 1)
	a := NewAnalyzer(media.CodecVP8, s.t0)
	feed := func(from, to int) {
		for i := from; i < to; i++ {
			pkts, at := s.frame(i, 0, 0)
			a.Packet(&pkts[0], at)
		}
	}
	feed(0, 10)
	s1 := a.Snapshot(s.t0.Add(time.Second))
	feed(10, 15)
	s.seq += 2 // two packets (whole frames) lost in the second interval
	s.keys[15] = true
	feed(15, 20)
	s2 := a.Snapshot(s.t0.Add(2 * time.Second))
	if s1.Delta.Frames != 10 || s2.Delta.Frames != 10 || s2.Delta.Lost != 2 || s2.Total.Lost != 2 || s1.Delta.Lost != 0 || s2.Total.Undecodable != 0 {
		t.Fatalf("deltas %+v / %+v", s1.Delta, s2.Delta)
	}
	if s2.FPS != 10 {
		t.Errorf("fps %.2f, want 10", s2.FPS)
	}
}

func TestAudioLevel(t *testing.T) {
	t.Parallel()
	a := NewAnalyzer(media.CodecOpus, time.Unix(0, 0), WithExtensions(media.Extensions{AudioLevel: 1}))
	for i, lv := range []uint8{0, 20, 127, 6} {
		p := rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i), Timestamp: uint32(i) * 960}, Payload: []byte{1}}
		b := []byte{media.AudioLevelByte(lv, true)}
		_ = p.Header.SetExtension(1, b)
		a.Packet(&p, time.Unix(0, int64(i)*20e6))
	}
	s := a.Snapshot(time.Unix(1, 0))
	want := (1 + 0.1 + 0 + media.LinearLevel(6)) / 4
	if math.Abs(s.AudioLevelMean-want) > 1e-9 || math.Abs(s.AudioLevel-media.LinearLevel(6)) > 1e-9 {
		t.Fatalf("level mean %.4f last %.4f, want %.4f, %.4f", s.AudioLevelMean, s.AudioLevel, want, media.LinearLevel(6))
	}
	if s2 := a.Snapshot(time.Unix(2, 0)); !math.IsNaN(s2.AudioLevelMean) {
		t.Fatalf("an interval without packets has level %v", s2.AudioLevelMean)
	}
}

func TestRecognizesCamera(t *testing.T) {
	t.Parallel()
	lib, err := fixture.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, codec := range []media.Codec{media.CodecVP8, media.CodecH264} {
		for _, src := range []string{"front", "back"} {
			clip, err := lib.Video(src, codec, 360)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			a := NewAnalyzer(codec, time.Unix(0, 0), WithRecognizer(lib.Recognize), WithSourceHandler(func(s string) { got = append(got, s) }))
			seq := uint16(0)
			for i := range clip.Frames[:40] {
				ps := clip.Packets(i)
				for k, pl := range ps {
					a.Packet(&rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: clip.Frames[i].TS, Marker: k == len(ps)-1}, Payload: pl}, time.Unix(0, int64(i)*33e6))
					seq++
				}
			}
			if a.Source() != src || len(got) != 1 {
				t.Errorf("%s %s: recognised %q (events %v)", codec, src, a.Source(), got)
			}
			if s := a.Snapshot(time.Unix(2, 0)); s.Total.Keyframes != 2 || s.Total.Frames != 40 {
				t.Errorf("%s %s: %d keyframes %d frames, want 2 and 40", codec, src, s.Total.Keyframes, s.Total.Frames)
			}
		}
	}
}

// A gap the sender signalled (camera off) or the receiver asked for (block)
// is not a freeze; a stall before the signal still is, up to the signal.
func TestExpectSuspendsFreezeRule(t *testing.T) {
	t.Parallel()
	const fps = 30
	var freezes []Freeze
	s := newStream(1, 1, fps, 2)
	a := NewAnalyzer(media.CodecVP8, s.t0, WithFreezeHandler(func(f Freeze) { freezes = append(freezes, f) }))
	feed := func(from, to int, extra time.Duration) time.Time {
		var at time.Time
		for i := from; i < to; i++ {
			var pkts []rtp.Packet
			pkts, at = s.frame(i, extra, 0)
			for k := range pkts {
				a.Packet(&pkts[k], at)
			}
		}
		return at
	}
	last := feed(0, 60, 0)
	// Camera off for 3 s: no frames, no freeze, even when checked.
	a.Expect(false, last)
	if a.CheckFreeze(last.Add(2 * time.Second)) {
		t.Fatal("CheckFreeze reported a freeze while video was signalled off")
	}
	a.Expect(true, last.Add(3*time.Second))
	s.keys[60] = true // the sender resumes on a keyframe
	last = feed(60, 120, 3*time.Second)
	if got := a.Snapshot(last).Total.Freezes; got != 0 || len(freezes) != 0 {
		t.Fatalf("signalled pause counted as %d freezes (%v)", got, freezes)
	}
	// A real stall that the signal only follows: counted up to the signal.
	stall := last.Add(400 * time.Millisecond)
	if !a.CheckFreeze(stall) {
		t.Fatal("stall not seen as an ongoing freeze")
	}
	a.Expect(false, stall.Add(100*time.Millisecond))
	snap := a.Snapshot(stall.Add(time.Second))
	if snap.Total.Freezes != 1 || snap.Total.FreezeDuration != 500*time.Millisecond {
		t.Fatalf("stall before the signal: %d freezes of %v, want 1 of 500ms", snap.Total.Freezes, snap.Total.FreezeDuration)
	}
	if len(freezes) != 2 || freezes[1].Ongoing() {
		t.Fatalf("freeze events %+v, want ongoing then ended", freezes)
	}
}

// TestPaddingOnlyPacketsAreNoFrames: an SFU sends padding-only packets
// (no payload after the padding) on a paused or muted video track, each
// with its own timestamp and the marker set (LiveKit does, for bandwidth
// probing and on mute). They are packets on the wire but nothing a decoder
// could render: no frames, no first frame.
func TestPaddingOnlyPacketsAreNoFrames(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_700_000_000, 0)
	a := NewAnalyzer(media.CodecVP8, t0)
	for i := 0; i < 10; i++ {
		h := rtp.Header{Version: 2, SequenceNumber: uint16(100 + i), Timestamp: uint32(3000 * i), Marker: true}
		a.Observe(&h, nil, t0.Add(time.Duration(i)*100*time.Millisecond))
	}
	snap := a.Snapshot(t0.Add(time.Second))
	if snap.Total.Packets != 10 || snap.Total.Frames != 0 {
		t.Fatalf("packets %d frames %d; want 10 packets and no frames", snap.Total.Packets, snap.Total.Frames)
	}
	if !snap.FirstFrame.IsZero() {
		t.Errorf("a first frame from padding alone at %v", snap.FirstFrame)
	}
}
