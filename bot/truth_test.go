package bot

import (
	"context"
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/roombot/roombot/bot/netem"
	"github.com/roombot/roombot/reports"
)

// impaired starts bot name on its own network with impairment c.
func (e *env) impaired(name string, room uint32, c netem.Config) (*Bot, *collector, *netem.Net) {
	e.t.Helper()
	n, err := netem.New(c)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = n.Close() })
	b, s := e.bot(name, room, nil, WithNet(n))
	start(e.t, b)
	return b, s, n
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// RTT and end-to-end latency against injected delay: a bot whose two
// links are delayed by D reports an RTT of 2·D (±5 ms), and its media
// reaches a clean viewer D later (±5 ms); a delay on the viewer's down link
// adds to that latency and not to the publisher's RTT (docs/network.md).
func TestRTTAndLatencyTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("three rooms of two bots for about 8 s; the netem tests cover the delays themselves")
	}
	for _, tc := range []struct {
		up, down, viewerDown time.Duration
	}{
		{0, 0, 0}, // baseline: what loopback and the service add
		{25 * time.Millisecond, 25 * time.Millisecond, 0},   // RTT 50
		{50 * time.Millisecond, 50 * time.Millisecond, 0},   // RTT 100
		{150 * time.Millisecond, 150 * time.Millisecond, 0}, // RTT 300
		{40 * time.Millisecond, 0, 20 * time.Millisecond},   // legs: RTT 40, e2e 60
	} {
		// One at a time: the bots of the other cases would be load that
		// delays this one's packets (scheduling, not the network).
		t.Run(fmt.Sprintf("up%v-down%v-viewer%v", tc.up, tc.down, tc.viewerDown), func(t *testing.T) {
			e := newEnv(t)
			room := e.room()
			_, as, _ := e.impaired("a", room, netem.Config{Up: netem.Link{Delay: tc.up}, Down: netem.Link{Delay: tc.down}})
			_, bs, _ := e.impaired("b", room, netem.Config{Down: netem.Link{Delay: tc.viewerDown}})
			bs.wait(t, 10*time.Second, "a's first video frame", is(reports.EvFirstFrame, "a", "video"))
			t0 := time.Now()
			var rtts, e2es []float64
			as.waitSamples(t, 20*time.Second, "a's RTT", func(all []reports.Sample) bool {
				rtts = rtts[:0]
				for _, s := range samplesAfter(all, t0) {
					for _, ts := range s.Tracks {
						if ts.Dir == reports.Tx && ts.RTTMs != nil {
							rtts = append(rtts, *ts.RTTMs)
						}
					}
				}
				return len(rtts) >= 6
			})
			bs.waitSamples(t, 20*time.Second, "a's latency at b", func(all []reports.Sample) bool {
				e2es = e2es[:0]
				for _, s := range samplesAfter(all, t0) {
					if ts, ok := rxOf(s, "a", "video"); ok && ts.E2EMs != nil {
						e2es = append(e2es, *ts.E2EMs)
					}
				}
				return len(e2es) >= 6
			})
			wantRTT := ms(tc.up + tc.down)
			wantE2E := ms(tc.up + tc.viewerDown)
			// Scheduling on a loaded machine only ever adds time, so the
			// path's latency is the least of the per-second figures; the
			// medians are logged (docs/network.md has figures).
			gotRTT, gotE2E := minOf(rtts), minOf(e2es)
			t.Logf("RTT min %.1f median %.1f ms of %v (injected %.0f); e2e min %.1f median %.1f ms of %v (injected %.0f)",
				gotRTT, median(rtts), rtts, wantRTT, gotE2E, median(e2es), e2es, wantE2E)
			if math.Abs(gotRTT-wantRTT) > 5 {
				t.Errorf("RTT %.1f ms, injected %.0f ms", gotRTT, wantRTT)
			}
			if math.Abs(gotE2E-wantE2E) > 5 {
				t.Errorf("e2e latency %.1f ms, injected %.0f ms", gotE2E, wantE2E)
			}
		})
	}
}

func minOf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Reported loss against the wire: a viewer whose down link drops packets
// (random and in bursts) reports as lost, per stream, what its netem
// dropped of the first transmissions (±0.5 percentage points); the loss
// model itself hits the configured rate and burst length (netem tests).
func TestLossTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("five rooms of two bots for about 8 s; TestLossModel covers the model")
	}
	for _, l := range []netem.Link{
		{Loss: 0.01}, {Loss: 0.05}, {Loss: 0.20}, {Loss: 0.05, Burst: 3}, {Loss: 0.20, Burst: 4},
	} {
		t.Run(fmt.Sprintf("loss%g-burst%g", l.Loss*100, l.Burst), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			room := e.room()
			a, _, _ := e.impaired("a", room, netem.Config{})
			_, bs, bn := e.impaired("b", room, netem.Config{Down: l, Seed: 5})
			bs.wait(t, 10*time.Second, "a's first video frame", is(reports.EvFirstFrame, "a", "video"))
			time.Sleep(8 * time.Second)
			// Stop a's media (no signalling), so that every packet on the
			// wire is in a sample once two more samples are taken.
			if err := a.Pause(context.Background()); err != nil {
				t.Fatal(err)
			}
			n := len(bs.samplesNow())
			bs.waitSamples(t, 4*time.Second, "two more samples", func(all []reports.Sample) bool { return len(all) > n+1 })
			type acc struct{ lost, expected int64 }
			got := map[uint32]*acc{}
			for _, s := range bs.samplesNow() {
				for _, ts := range s.Tracks {
					if ts.Dir == reports.Rx && ts.Remote == "a" {
						if got[ts.SSRC] == nil {
							got[ts.SSRC] = &acc{}
						}
						got[ts.SSRC].lost += ts.Lost
						got[ts.SSRC].expected += int64(ts.Expected)
					}
				}
			}
			if len(got) != 2 {
				t.Fatalf("streams from a: %d, want 2", len(got))
			}
			for ssrc, a := range got {
				w := bn.DownRTP(ssrc)
				wire := 100 * float64(w.SpanDropped) / float64(w.Span)
				rep := 100 * float64(a.lost) / float64(a.expected)
				t.Logf("ssrc %d: reported %d/%d = %.2f%%; wire dropped %d/%d originals = %.2f%% (all: %d/%d; configured %.1f%%)",
					ssrc, a.lost, a.expected, rep, w.SpanDropped, w.Span, wire, w.OriginalsDropped, w.Originals, l.Loss*100)
				if math.Abs(rep-wire) > 0.5 {
					t.Errorf("ssrc %d: reported loss %.2f%%, the wire dropped %.2f%%", ssrc, rep, wire)
				}
			}
		})
	}
}

// samplesNow returns a copy of the samples collected so far.
func (c *collector) samplesNow() []reports.Sample {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]reports.Sample(nil), c.samples...)
}
