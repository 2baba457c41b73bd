package bot

import (
	"math"
	"testing"
	"time"

	"github.com/roombot/roombot/bot/netem"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// TestFiguresAgainstInjectedLossAndJitter: a sends through 20 % random
// loss and up to 20 ms of random delay (netem on its socket); b receives
// through the reference service. What the bots report is checked against
// the outside: the datagrams netem dropped, the service's receiver reports
// (pion's RFC 3550 receiver statistics, an independent implementation) and
// the NACK repair arithmetic.
//
//   - b's jitter of a's audio is RFC 3550 jitter: it agrees with the
//     service's receiver reports on the same stream (pion's own receiver
//     estimate was 1.7–1.9× it);
//   - a's path loss (tx loss_pct) and b's (rx loss, the summary's loss
//     rate) are the injected loss, retransmissions not counted as arrivals;
//     what NACK left lost is reported apart and is smaller for video;
//   - a counts its retransmissions apart: at least one per NACKed packet.
func TestFiguresAgainstInjectedLossAndJitter(t *testing.T) {
	if testing.Short() {
		t.Skip("needs about 15 s of media")
	}
	e := newEnv(t)
	room := e.room()
	hd := func(c *Config) { c.Media.Resolution = "720p" }
	lossy, err := netem.New(netem.Config{SendLoss: 0.2, Jitter: 20 * time.Millisecond, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lossy.Close() })
	a, as := e.bot("a", room, hd, WithNet(lossy))
	b, bs := e.bot("b", room, hd)
	start(t, a)
	start(t, b)
	bs.wait(t, 10*time.Second, "first video frame", is(reports.EvFirstFrame, "a", "video"))
	t0 := time.Now().Add(time.Second) // skip the sample with the start-up
	c0 := lossy.Counters()
	sent0, dropped0 := c0.Sent.Load(), c0.SendDropped.Load()
	const n = 12
	as.waitSamples(t, 30*time.Second, "samples at a", func(all []reports.Sample) bool { return len(samplesAfter(all, t0)) >= n })
	bsamples := bs.waitSamples(t, 5*time.Second, "samples at b", func(all []reports.Sample) bool { return len(samplesAfter(all, t0)) >= n })
	c1 := lossy.Counters()
	sent, dropped := c1.Sent.Load()-sent0, c1.SendDropped.Load()-dropped0
	injected := 100 * float64(dropped) / float64(sent+dropped)
	asamples := samplesAfter(as.samplesCopy(), t0)
	bsamples = samplesAfter(bsamples, t0)
	t.Logf("netem dropped %d of %d datagrams a wrote (%.2f %%)", dropped, sent+dropped, injected)

	// Jitter of a's audio: at b (ours) and at the service (its reports).
	var ours, theirs []float64
	for _, s := range bsamples {
		if ts, ok := rxOf(s, "a", "audio"); ok && ts.JitterMs != nil {
			ours = append(ours, *ts.JitterMs)
		}
	}
	var pathLoss, afterRepair = map[string][]float64{}, map[string][]float64{}
	var rtx, nacked uint64
	for _, s := range asamples {
		for _, ts := range s.Tracks {
			if ts.Dir != reports.Tx {
				continue
			}
			if ts.Kind == "audio" && ts.JitterMs != nil {
				theirs = append(theirs, *ts.JitterMs)
			}
			if ts.LossPct != nil {
				pathLoss[ts.Kind] = append(pathLoss[ts.Kind], *ts.LossPct)
			}
			if ts.LossAfterRepairPct != nil {
				afterRepair[ts.Kind] = append(afterRepair[ts.Kind], *ts.LossAfterRepairPct)
			}
			rtx += ts.RetransmittedPackets
			nacked += ts.Nacked
		}
		var sum uint64
		for _, ts := range s.Tracks {
			sum += ts.RetransmittedPackets
		}
		if s.TxRetransmittedPackets != sum {
			t.Errorf("tx_retransmitted_packets %d, tracks sum to %d", s.TxRetransmittedPackets, sum)
		}
	}
	jo, jt := avg(ours), avg(theirs)
	t.Logf("jitter of a's audio: %.2f ms at b (RFC 3550, originals), %.2f ms in the service's receiver reports", jo, jt)
	if len(ours) < n/2 || len(theirs) < n/2 || jo < 0.75*jt || jo > 1.33*jt {
		t.Errorf("jitter %.2f ms (%d samples), the service's receiver reports %.2f ms (%d): want within 25 %%", jo, len(ours), jt, len(theirs))
	}

	for _, kind := range []string{"audio", "video"} {
		pl, ar := avg(pathLoss[kind]), avg(afterRepair[kind])
		t.Logf("a's %s: path loss %.2f %% (%d samples), after repair %.2f %%", kind, pl, len(pathLoss[kind]), ar)
		if len(pathLoss[kind]) < n/2 || math.Abs(pl-injected) > 5 {
			t.Errorf("a's %s path loss %.2f %% (%d samples), injected %.2f %%", kind, pl, len(pathLoss[kind]), injected)
		}
		if kind == "video" && ar > pl/2 {
			t.Errorf("a's video loss after NACK repair %.2f %% is not well below path loss %.2f %%", ar, pl)
		}
	}
	t.Logf("a: %d packets NACKed, %d retransmitted", nacked, rtx)
	if nacked == 0 || rtx < nacked || rtx > 2*nacked {
		t.Errorf("a retransmitted %d packets for %d NACKed; want between 1× and 2× (the service NACKs a packet at most twice)", rtx, nacked)
	}

	// b's loss of a's streams, and the summary's run figure.
	var lost, expected int64
	for _, s := range bsamples {
		for _, ts := range s.Tracks {
			if ts.Dir == reports.Rx && ts.Remote == "a" {
				lost += ts.Lost
				expected += int64(ts.Expected)
			}
		}
	}
	rxPct := 100 * float64(lost) / float64(expected)
	sum := summary.Compute(&reports.Dataset{Samples: bsamples})
	t.Logf("b: %d lost of %d expected (%.2f %%); summary rx_loss_rate_pct %.2f", lost, expected, rxPct, *sum.Stats.RxLossRate)
	if math.Abs(rxPct-injected) > 3.5 {
		t.Errorf("b measured %.2f %% loss of a's streams, injected %.2f %%", rxPct, injected)
	}
	if r := sum.Stats.RxLossRate; r == nil || math.Abs(*r-rxPct) > 1e-9 {
		t.Errorf("summary rx_loss_rate_pct %v, the samples' lost/expected %.4f", r, rxPct)
	}
	_ = b
}

func avg(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// samplesCopy returns the samples collected so far.
func (c *collector) samplesCopy() []reports.Sample {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]reports.Sample(nil), c.samples...)
}
