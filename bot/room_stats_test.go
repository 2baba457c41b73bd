package bot

import (
	"math"
	"testing"
	"time"

	"github.com/roombot/roombot/bot/netem"
	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
)

// fixtureKbps is the mean payload bitrate of a fixture clip.
func fixtureKbps(t *testing.T, e *env, kind, res string) float64 {
	t.Helper()
	if kind == "audio" {
		c, err := e.host.Library().Audio()
		if err != nil {
			t.Fatal(err)
		}
		return c.Bitrate() / 1000
	}
	c, err := e.host.Library().Video("front", media.CodecVP8, height(res))
	if err != nil {
		t.Fatal(err)
	}
	return c.Bitrate() / 1000
}

// rxSum adds up the received track of kind from remote over samples.
func rxSum(samples []reports.Sample, remote, kind string) (kbps float64, packets uint64, lost int64, n int) {
	for _, s := range samples {
		if ts, ok := rxOf(s, remote, kind); ok {
			kbps += ts.Kbps
			packets += ts.Packets
			lost += ts.Lost
			n++
		}
	}
	return kbps, packets, lost, n
}

func TestStatsSaneOnLoopback(t *testing.T) {
	e := newEnv(t)
	_, _, as, bs := pair(t, e, nil)
	t0 := time.Now().Add(time.Second) // skip the interval with the start
	const want = 6                    // one loop of the fixture: its mean bitrate
	all := bs.waitSamples(t, 12*time.Second, "6 samples", func(s []reports.Sample) bool { return len(samplesAfter(s, t0)) >= want })
	got := samplesAfter(all, t0)[:want]
	for _, kind := range []string{"video", "audio"} {
		kbps, packets, lost, n := rxSum(got, "a", kind)
		if n != want {
			t.Fatalf("%s from a in %d of %d samples", kind, n, want)
		}
		mean, fix := kbps/float64(n), fixtureKbps(t, e, kind, DefaultResolution)
		t.Logf("%s: received %.1f kbps, fixture %.1f kbps, %d packets, %d lost", kind, mean, fix, packets, lost)
		if math.Abs(mean-fix) > 0.2*fix {
			t.Errorf("%s received at %.1f kbps, want the fixture's %.1f ±20%%", kind, mean, fix)
		}
		if lost != 0 {
			t.Errorf("%s: %d packets lost on loopback", kind, lost)
		}
	}
	for _, s := range got {
		if s.RxLossPct != 0 || s.JitterMs == nil || s.E2EMs == nil || *s.E2EMs < 0 || *s.E2EMs > 200 {
			t.Fatalf("sample %+v: want loss 0, jitter and 0 ≤ e2e ≤ 200 ms", s)
		}
		if s.FPS < 20 || s.FPS > 40 {
			t.Errorf("received fps %.1f, want about 30", s.FPS)
		}
		if s.TxKbps <= 0 || s.RxKbps <= 0 {
			t.Errorf("tx %.1f rx %.1f kbps", s.TxKbps, s.RxKbps)
		}
	}
	// RTT comes from the receiver reports the server sends on a's senders.
	last := as.waitSamples(t, 5*time.Second, "an RTT at a", func(s []reports.Sample) bool {
		return len(s) > 0 && s[len(s)-1].RTTMs != nil
	})
	if r := *last[len(last)-1].RTTMs; r < 0 || r > 100 {
		t.Errorf("RTT %.2f ms on loopback", r)
	}
}

// 5 % loss on b's receiving socket shows as 5 ± 1 % loss at b. Audio and
// video, at least 3000 packets: the standard error of the rate is then
// about 0.4 points.
func TestInjectedLossMeasuredAtReceiver(t *testing.T) {
	if testing.Short() {
		t.Skip("needs about 20 s of media")
	}
	e := newEnv(t)
	room := e.room()
	hd := func(c *Config) { c.Media.Resolution = "720p" }
	a, _ := e.bot("a", room, hd)
	lossy, err := netem.New(netem.Config{RecvLoss: 0.05, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lossy.Close() })
	b, bs := e.bot("b", room, hd, WithNet(lossy))
	start(t, a)
	start(t, b)
	bs.wait(t, 5*time.Second, "first video frame", is(reports.EvFirstFrame, "a", "video"))
	// The loss counters the samples are made of, summed over a's tracks.
	counters := func() (c lossCounters) {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, rt := range b.remotes["a"].tracks {
			x := rt.loss.counters()
			c.expected += x.expected
			c.lost += x.lost
			c.repaired += x.repaired
		}
		return c
	}
	c0, t0 := counters(), time.Now()
	var c1 lossCounters
	all := bs.waitSamples(t, 40*time.Second, "3000 packets", func([]reports.Sample) bool {
		c1 = counters()
		return c1.expected-c0.expected >= 3000
	})
	exp, lost := float64(c1.expected-c0.expected), float64(c1.lost-c0.lost)
	pct := 100 * lost / exp
	t.Logf("measured loss %.2f %% (%.0f of %.0f packets; %d repaired by NACK); netem dropped %d of %d datagrams",
		pct, lost, exp, c1.repaired-c0.repaired, lossy.Counters().RecvDropped.Load(),
		lossy.Counters().RecvDropped.Load()+lossy.Counters().Recv.Load())
	if pct < 4 || pct > 6 {
		t.Fatalf("measured loss %.2f %%, want 5 ± 1 %%", pct)
	}
	// The samples carry the same loss: every interval that started after t0.
	var sl int64
	var n int
	for _, s := range samplesAfter(all, t0.Add(DefaultStatsInterval)) {
		sl += s.RxLost
		n++
		if s.RxLost > 0 && (s.RxLossPct <= 0 || s.RxLossPct > 30) {
			t.Errorf("sample with %d lost has loss %.2f %%", s.RxLost, s.RxLossPct)
		}
	}
	if n == 0 || sl == 0 || float64(sl) > lost {
		t.Fatalf("samples report %d lost over %d samples, counters %.0f", sl, n, lost)
	}
}

// A bot that only receives measures RTT too: its reference-time reports
// (XR RRTR) are answered by the server's DLRR.
func TestReceiverMeasuresRTT(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	a, _ := e.bot("a", room, nil)
	b, bs := e.bot("b", room, func(c *Config) { c.Role = signaling.RoleAudience })
	start(t, a)
	start(t, b)
	got := bs.waitSamples(t, 8*time.Second, "a receive-side RTT at b", func(all []reports.Sample) bool {
		for _, s := range all {
			for _, tr := range s.Tracks {
				if tr.Dir == reports.Rx && tr.RTTMs != nil {
					return true
				}
			}
		}
		return false
	})
	for _, s := range got {
		for _, tr := range s.Tracks {
			if tr.Dir == reports.Tx {
				t.Fatalf("an audience member sent %+v", tr)
			}
			if tr.RTTMs != nil && (*tr.RTTMs < 0 || *tr.RTTMs > 100) {
				t.Fatalf("receive-side RTT %.2f ms on loopback", *tr.RTTMs)
			}
		}
	}
}
