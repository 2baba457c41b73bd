package bot

import (
	"math"
	"testing"
	"time"

	"github.com/roombot/roombot/bot/netem"
	"github.com/roombot/roombot/media/quality"
	"github.com/roombot/roombot/reports"
)

// TestMOSMatchesInjectedImpairment: b receives a's audio through 5 % random
// loss and 300 ms of added one-way delay. The mean of the MOS b reports per
// second is the E-model of what was injected (Ppl 5 %, random: BurstR 1;
// Ta = 300 ms + the codec's delay) within 0.25: one second holds 50 audio
// packets, so its loss varies by about ±3 points (binomial), which moves a
// second's MOS by about 0.3 and the mean of 12 by about 0.1; the rest is
// the jitter buffer of a busy machine. c on a clean path scores about 4.4,
// and a's 180p video scores higher at c than at b.
func TestMOSMatchesInjectedImpairment(t *testing.T) {
	if testing.Short() {
		t.Skip("needs about 10 s of media")
	}
	e := newEnv(t)
	room := e.room()
	a, _ := e.bot("a", room, func(c *Config) { c.Media.Resolution = "180p" })
	impaired, err := netem.New(netem.Config{Down: netem.Link{Loss: 0.05, Delay: 300 * time.Millisecond}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = impaired.Close() })
	recvOnly := func(c *Config) { c.Media.NoVideo, c.Media.NoAudio = true, true }
	b, bs := e.bot("b", room, recvOnly, WithNet(impaired))
	c, cs := e.bot("c", room, recvOnly)
	start(t, a)
	start(t, b)
	start(t, c)
	cs.wait(t, 5*time.Second, "first video frame at c", is(reports.EvFirstFrame, "a", "video"))
	bs.wait(t, 5*time.Second, "first video frame at b", is(reports.EvFirstFrame, "a", "video"))
	t0 := time.Now().Add(time.Second)
	const want = 12
	scores := func(col *collector) (mos, video, e2e float64, n int) {
		all := col.waitSamples(t, 20*time.Second, "12 samples", func(s []reports.Sample) bool { return len(samplesAfter(s, t0)) >= want })
		var nv, ne int
		for _, s := range samplesAfter(all, t0)[:want] {
			if s.MOS != nil {
				mos += *s.MOS
				n++
			}
			if s.VideoScore != nil {
				video += *s.VideoScore
				nv++
			}
			if ts, ok := rxOf(s, "a", "audio"); ok && ts.E2EMs != nil {
				e2e += *ts.E2EMs
				ne++
			}
		}
		return mos / math.Max(1, float64(n)), video / math.Max(1, float64(nv)), e2e / math.Max(1, float64(ne)), n
	}
	bm, bv, be, bn := scores(bs)
	cm, cv, _, cn := scores(cs)
	truth := quality.AudioMOS(quality.AudioInput{LossPct: 5, MeanBurst: 1, OneWay: 300 * time.Millisecond}, quality.Opus)
	t.Logf("b (5%% loss, +300 ms): MOS %.2f over %d s (E-model of the injected impairment %.2f; audio e2e %.0f ms), video %.2f; c (clean): MOS %.2f over %d s, video %.2f",
		bm, bn, truth, be, bv, cm, cn, cv)
	if bn < want/2 || math.Abs(bm-truth) > 0.25 {
		t.Errorf("b's MOS %.2f over %d samples; the injected impairment gives %.2f ± 0.25", bm, bn, truth)
	}
	if cn < want/2 || cm < 4.3 {
		t.Errorf("c's MOS %.2f over %d samples on a clean path; want ≥ 4.3", cm, cn)
	}
	if !(cv > bv && cv > 2) {
		t.Errorf("video score c %.2f, b %.2f: want the clean path higher", cv, bv)
	}
}
