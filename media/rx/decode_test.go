package rx

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// gilbertElliott drops packets in bursts: from the good state a loss starts
// with probability p, in the bad state every packet is lost and the burst
// ends with probability r (mean burst length 1/r, loss rate p/(p+r)).
type gilbertElliott struct {
	rng  *rand.Rand
	p, r float64
	bad  bool
}

func (g *gilbertElliott) drop() bool {
	if g.bad {
		g.bad = g.rng.Float64() >= g.r
	} else {
		g.bad = g.rng.Float64() < g.p
	}
	return g.bad
}

// referenceRender is the offline truth the online decoder model is held to:
// with no repairs, a frame renders when every one of its packets arrived and
// it is a keyframe or the frame before it rendered. It also applies the W3C
// freeze rule to the rendered frames' arrival times, independently.
func referenceRender(frames []refFrame) (rendered, undecodable, freezes int) {
	chain := false
	var times []time.Time
	for _, f := range frames {
		complete := f.delivered == f.packets
		if complete && (f.key || chain) {
			rendered++
			chain = true
			times = append(times, f.at)
			continue
		}
		chain = false
		if f.delivered > 0 {
			undecodable++
		}
	}
	var intervals []time.Duration
	for i := 1; i < len(times); i++ {
		gap := times[i].Sub(times[i-1])
		if n := len(intervals); n >= 5 {
			w := intervals[max(0, n-30):]
			var sum time.Duration
			for _, d := range w {
				sum += d
			}
			m := sum / time.Duration(len(w))
			if gap >= max(3*m, m+150*time.Millisecond) {
				freezes++
			}
		}
		intervals = append(intervals, gap)
	}
	return rendered, undecodable, freezes
}

type refFrame struct {
	packets, delivered int
	key                bool
	at                 time.Time // arrival of its last packet
}

// TestDecoderModelAgainstReference plays 20 s of the real 360p fixtures
// (VP8 and H.264, a keyframe a second) through seeded burst loss of about
// 20 % (mean burst 3 packets) and clean loss-free endings, and holds the
// analyzer to the offline truth: the same frames rendered, the same frames
// undecodable (received in part or with a lost reference), the same W3C
// freezes, at least one keyframe request per broken stretch, and at 0 %
// loss every frame rendered and nothing requested.
func TestDecoderModelAgainstReference(t *testing.T) {
	t.Parallel()
	lib, err := fixture.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, codec := range []media.Codec{media.CodecVP8, media.CodecH264} {
		for _, lossy := range []bool{false, true} {
			clip, err := lib.Video("front", codec, 360)
			if err != nil {
				t.Fatal(err)
			}
			ge := &gilbertElliott{rng: rand.New(rand.NewPCG(7, uint64(codec))), p: 1.0 / 12, r: 1.0 / 3}
			requests := 0
			t0 := time.Unix(1_700_000_000, 0)
			a := NewAnalyzer(codec, t0, WithKeyframeRequester(func() { requests++ }))
			const loops, clean = 4, 45 // 4 × 6 s; the last 45 frames are loss-free
			var ref []refFrame
			seq, sent, dropped := uint16(40000), 0, 0
			total := loops * len(clip.Frames)
			breaks, broken := 0, false
			for n := range total {
				i := n % len(clip.Frames)
				at := t0.Add(time.Duration(n) * time.Second / time.Duration(clip.FPS))
				ps := clip.Packets(i)
				rf := refFrame{packets: len(ps), key: clip.Frames[i].Key, at: at}
				ts := uint32(n) * (clip.Duration / uint32(len(clip.Frames)))
				for k, pl := range ps {
					sent++
					pkt := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, Marker: k == len(ps)-1}, Payload: pl}
					seq++
					if lossy && n < total-clean && ge.drop() {
						dropped++
						continue
					}
					rf.delivered++
					a.Packet(&pkt, at)
				}
				ref = append(ref, rf)
			}
			wantRendered, wantUndecodable, wantFreezes := referenceRender(ref)
			for _, f := range ref {
				ok := f.delivered == f.packets && (f.key || !broken)
				if !ok && !broken {
					breaks++
				}
				broken = !ok
			}
			snap := a.Snapshot(t0.Add(time.Duration(total) * time.Second / time.Duration(clip.FPS)))
			got := snap.Total
			name := codec.String()
			if lossy {
				name += " with burst loss"
			}
			t.Logf("%s: %d of %d packets dropped (%.1f %%); rendered %d undecodable %d freezes %d keyframe requests %d over %d broken stretches",
				name, dropped, sent, 100*float64(dropped)/float64(sent), got.Frames, got.Undecodable, got.Freezes, got.KeyframeRequests, breaks)
			if int(got.Frames) != wantRendered || int(got.Undecodable) != wantUndecodable || int(got.Freezes) != wantFreezes {
				t.Errorf("%s: rendered %d undecodable %d freezes %d; the reference says %d, %d, %d",
					name, got.Frames, got.Undecodable, got.Freezes, wantRendered, wantUndecodable, wantFreezes)
			}
			if int(got.KeyframeRequests) != requests {
				t.Errorf("%s: %d keyframe requests counted, %d made", name, got.KeyframeRequests, requests)
			}
			if !lossy {
				if wantRendered != total || requests != 0 || got.Freezes != 0 {
					t.Errorf("%s: rendered %d of %d, %d requests, %d freezes; want all, none, none", name, got.Frames, total, requests, got.Freezes)
				}
				continue
			}
			if frac := float64(dropped) / float64(sent); frac < 0.15 || frac > 0.25 {
				t.Errorf("%s: the loss model dropped %.1f %%, want about 20 %%", name, 100*frac)
			}
			// One request per broken stretch, repeated every 500 ms while
			// it lasts: at most one per stretch plus one per 15 frames
			// (500 ms at 30 fps) not rendered.
			maxRequests := breaks + (total-wantRendered)/15 + 1
			if requests < breaks || requests > maxRequests || got.Freezes == 0 || got.Undecodable == 0 {
				t.Errorf("%s: %d keyframe requests for %d broken stretches (at most %d), %d freezes, %d undecodable; want requests in range and freezes",
					name, requests, breaks, maxRequests, got.Freezes, got.Undecodable)
			}
		}
	}
}

// TestDecoderModelRepairInTime: a packet repaired (retransmitted) within
// the repair window makes its frame renderable, late; one repaired after
// the window is too late: its frame and the frames after it up to the next
// keyframe are undecodable, and a keyframe is asked for.
func TestDecoderModelRepairInTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name            string
		repairAfter     time.Duration
		wantUndecodable uint64
		wantRequests    uint64
	}{
		{"repaired in time", 120 * time.Millisecond, 0, 0},
		{"repaired too late", 700 * time.Millisecond, 20, 1}, // frames 10-29; frame 30 is a keyframe
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStream(100, 1000, 30, 3)
			s.keys[30] = true
			a := NewAnalyzer(media.CodecVP8, s.t0)
			var held rtp.Packet
			var heldAt time.Time
			for i := range 40 {
				pkts, at := s.frame(i, 0, 0)
				for k := range pkts {
					if i == 10 && k == 1 {
						held, heldAt = pkts[k], at.Add(tc.repairAfter)
						continue
					}
					if !heldAt.IsZero() && !at.Before(heldAt) {
						a.Packet(&held, heldAt)
						heldAt = time.Time{}
					}
					a.Packet(&pkts[k], at)
				}
			}
			snap := a.Snapshot(s.t0.Add(2 * time.Second))
			if snap.Total.Undecodable != tc.wantUndecodable || snap.Total.KeyframeRequests != tc.wantRequests ||
				snap.Total.Frames != 40-tc.wantUndecodable {
				t.Fatalf("rendered %d undecodable %d requests %d; want %d, %d, %d", snap.Total.Frames, snap.Total.Undecodable,
					snap.Total.KeyframeRequests, 40-tc.wantUndecodable, tc.wantUndecodable, tc.wantRequests)
			}
		})
	}
}
