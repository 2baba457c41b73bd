//go:build live

package bot

import (
	"testing"
	"time"

	"github.com/roombot/roombot/bot/netem"
	"github.com/roombot/roombot/media/live"
	"github.com/roombot/roombot/reports"
)

// liveVideoStats returns the counters of b's live video encoder.
func liveVideoStats(t *testing.T, b *Bot) live.Stats {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, lt := range b.local {
		if v, ok := lt.player.(liveVideo); ok {
			return v.s.Stats()
		}
	}
	t.Fatalf("%s has no live video player", b.UserID())
	return live.Stats{}
}

// A live bot's encoder follows the send-side bandwidth estimate that the
// reference service's transport-wide feedback drives: over a link losing
// 20 % of what the bot sends, the estimate (GCC's loss-based part: more
// than 10 % loss cuts it) falls, and with it the encoder's target and the
// video bitrate really sent; a clean bot's stay at the resolution's rate.
// Without the estimator wired to SetBitrate, the lossy bot's target would
// stay at the resolution's rate and the test fails.
func TestLiveBitrateFollowsCongestionControl(t *testing.T) {
	if testing.Short() {
		t.Skip("needs about 15 s of live media")
	}
	e := newEnv(t)
	room := e.room()
	lossy, err := netem.New(netem.Config{SendLoss: 0.2, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lossy.Close() })
	liveCfg := func(c *Config) { c.Media.Live = true; c.Media.Resolution = "180p" }
	clean, cs := e.bot("clean", room, liveCfg)
	bad, _ := e.bot("lossy", room, liveCfg, WithNet(lossy))
	start(t, clean)
	start(t, bad)
	nominal := liveSizes["180p"].bps

	// The lossy bot's estimate must have come down: wait for its encoder's
	// target to reach half the resolution's rate, one stats period at a time.
	t0 := time.Now()
	cs.waitSamples(t, 20*time.Second, "lossy encoder target at half the nominal rate", func([]reports.Sample) bool {
		return liveVideoStats(t, bad).Bitrate <= nominal/2
	})
	converged := time.Since(t0)

	// Then measure what each encoder really sends over four seconds.
	c0, l0, w0 := liveVideoStats(t, clean), liveVideoStats(t, bad), time.Now()
	cs.waitSamples(t, 10*time.Second, "a 4 s window", func([]reports.Sample) bool { return time.Since(w0) >= 4*time.Second })
	c1, l1, secs := liveVideoStats(t, clean), liveVideoStats(t, bad), time.Since(w0).Seconds()
	cleanKbps := float64(c1.Bytes-c0.Bytes) * 8 / secs / 1000
	lossyKbps := float64(l1.Bytes-l0.Bytes) * 8 / secs / 1000
	cleanEst, cleanN := clean.bwe.estimate()
	lossyEst, lossyN := bad.bwe.estimate()
	t.Logf("after %v: clean estimate %d bit/s (%d changes), encoder target %d, sent %.0f kbit/s; "+
		"lossy (20 %% send loss) estimate %d bit/s (%d changes), encoder target %d, sent %.0f kbit/s; netem dropped %d of %d datagrams",
		converged.Round(100*time.Millisecond), cleanEst, cleanN, c1.Bitrate, cleanKbps,
		lossyEst, lossyN, l1.Bitrate, lossyKbps,
		lossy.Counters().SendDropped.Load(), lossy.Counters().SendDropped.Load()+lossy.Counters().Sent.Load())

	if lossyN == 0 || lossyEst <= 0 {
		t.Fatal("the lossy bot's estimator never delivered an estimate")
	}
	if want := min(max(lossyEst-liveAudioReserve, live.MinVideoBitrate), nominal); l1.Bitrate != want {
		t.Errorf("lossy encoder target %d, want %d (estimate %d minus audio)", l1.Bitrate, want, lossyEst)
	}
	if maxEst := nominal + liveAudioReserve; cleanEst < maxEst*8/10 {
		t.Errorf("clean estimate %d, want at least 80 %% of %d", cleanEst, maxEst)
	}
	if c1.Bitrate < nominal*8/10 {
		t.Errorf("clean encoder target %d, want at least 80 %% of %d", c1.Bitrate, nominal)
	}
	// The lossy encoder overshoots its target (keyframes for the server's
	// PLIs): about 60 % of the clean one's was measured, 100 % or more
	// without the estimator.
	if lossyKbps > 0.75*cleanKbps {
		t.Errorf("lossy bot sent %.0f kbit/s of video, clean %.0f: want at most 75 %%", lossyKbps, cleanKbps)
	}
}
