package bot

import (
	"testing"
	"time"

	"github.com/roombot/roombot/bot/netem"
	"github.com/roombot/roombot/reports"
)

// TestBurstLossFreezesAndPLIs: 20 % burst loss (mean burst 3 datagrams) on
// what b receives leaves frames that NACK cannot repair; b's decoder model
// drops them and the frames after them until a keyframe, and b sends PLIs
// for one. Those PLIs are counted independently twice: by b's stats
// interceptor on the way out, and by a's on the way in after the server
// forwarded them. c, in the same room on a clean path, renders everything
// and asks for nothing.
func TestBurstLossFreezesAndPLIs(t *testing.T) {
	if testing.Short() {
		t.Skip("needs about 10 s of media")
	}
	e := newEnv(t)
	room := e.room()
	a, as := e.bot("a", room, nil)
	lossy, err := netem.New(netem.Config{Down: netem.Link{Loss: 0.2, Burst: 3}, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lossy.Close() })
	b, bs := e.bot("b", room, func(c *Config) { c.Media.NoVideo, c.Media.NoAudio = true, true }, WithNet(lossy))
	c, cs := e.bot("c", room, func(c *Config) { c.Media.NoVideo, c.Media.NoAudio = true, true })
	start(t, a)
	start(t, b)
	start(t, c)
	cs.wait(t, 5*time.Second, "first video frame at c", is(reports.EvFirstFrame, "a", "video"))
	t0 := time.Now().Add(time.Second)
	const want = 8
	sum := func(col *collector) (undecodable, plis uint64, fps float64) {
		all := col.waitSamples(t, 20*time.Second, "8 samples", func(s []reports.Sample) bool { return len(samplesAfter(s, t0)) >= want })
		for _, s := range samplesAfter(all, t0)[:want] {
			if ts, ok := rxOf(s, "a", "video"); ok {
				undecodable += ts.Undecodable
				plis += ts.PLIs
				fps += ts.FPS / want
			}
		}
		return undecodable, plis, fps
	}
	bu, bp, bf := sum(bs)
	cu, cp, cf := sum(cs)
	var ap uint64
	for _, s := range samplesAfter(as.waitSamples(t, 5*time.Second, "samples at a", func(s []reports.Sample) bool { return len(samplesAfter(s, t0)) >= want }), t0) {
		for _, ts := range s.Tracks {
			if ts.Dir == reports.Tx && ts.Kind == "video" {
				ap += ts.PLIs
			}
		}
	}
	t.Logf("b (20%% burst loss): %d undecodable, %d PLIs sent, %.1f fps; c (clean): %d undecodable, %d PLIs, %.1f fps; a received %d PLIs; netem dropped %d of %d",
		bu, bp, bf, cu, cp, cf, ap, lossy.Counters().RecvDropped.Load(), lossy.Counters().RecvDropped.Load()+lossy.Counters().Recv.Load())
	if bu == 0 || bp == 0 || bf >= cf {
		t.Errorf("b under burst loss: %d undecodable, %d PLIs, %.1f fps (c %.1f); want frames lost, PLIs sent and a lower frame rate", bu, bp, bf, cf)
	}
	if cu != 0 || cp != 0 || cf < 20 {
		t.Errorf("c on a clean path: %d undecodable, %d PLIs, %.1f fps; want none, none, about 30", cu, cp, cf)
	}
	if ap == 0 {
		t.Errorf("a received no PLI: b's keyframe requests did not reach the sender")
	}
}
