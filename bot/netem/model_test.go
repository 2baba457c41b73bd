package netem

import (
	"math"
	"math/rand/v2"
	"net"
	"testing"
	"time"
)

// The loss model against its definition: over a million draws the loss
// rate is within 0.5 percentage points of Loss and the mean run of losses
// within 10 % of Burst, for random and bursty loss.
func TestLossModel(t *testing.T) {
	t.Parallel()
	for _, l := range []Link{
		{Loss: 0.01}, {Loss: 0.05}, {Loss: 0.20},
		{Loss: 0.01, Burst: 2}, {Loss: 0.05, Burst: 3}, {Loss: 0.20, Burst: 4},
	} {
		rng := rand.New(rand.NewPCG(1, 2))
		var c lossChain
		const n = 1_000_000
		lost, bursts, run := 0, 0, 0
		for range n {
			if c.lost(rng, l) {
				lost++
				run++
				continue
			}
			if run > 0 {
				bursts++
				run = 0
			}
		}
		rate := float64(lost) / n
		mean := float64(lost) / float64(bursts)
		want := l.Burst
		if want == 0 {
			want = 1 / (1 - l.Loss) // runs of independent losses
		}
		t.Logf("loss %.2f%% burst %.1f: got %.3f%%, mean burst %.3f (want %.3f)", l.Loss*100, l.Burst, rate*100, mean, want)
		if math.Abs(rate-l.Loss) > 0.005 {
			t.Errorf("loss %.2f%% burst %.1f: measured %.3f%%", l.Loss*100, l.Burst, rate*100)
		}
		if math.Abs(mean-want)/want > 0.10 {
			t.Errorf("loss %.2f%% burst %.1f: mean burst %.3f, want %.3f±10%%", l.Loss*100, l.Burst, mean, want)
		}
	}
}

// Datagrams on real sockets: what the receiver misses is exactly what
// the counters say was dropped, and its runs of missing sequence numbers
// have the configured mean length.
func TestBurstLossOnSockets(t *testing.T) {
	t.Parallel()
	n, rx := pair(t, Config{Up: Link{Loss: 0.2, Burst: 4}, Seed: 11})
	tx, err := n.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	const total = 8000
	got := make(chan []bool)
	go func() {
		seen := make([]bool, total)
		buf := make([]byte, 100)
		for {
			_ = rx.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			k, _, err := rx.ReadFrom(buf)
			if err != nil {
				got <- seen
				return
			}
			if k >= 2 {
				seen[int(buf[0])<<8|int(buf[1])] = true
			}
		}
	}()
	p := make([]byte, 100)
	for i := range total {
		p[0], p[1] = byte(i>>8), byte(i)
		if _, err := tx.WriteTo(p, rx.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		if i%100 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	seen := <-got
	missing, bursts := 0, 0
	for i, ok := range seen {
		if !ok {
			missing++
			if i == 0 || seen[i-1] {
				bursts++
			}
		}
	}
	if uint64(missing) != n.Counters().SendDropped.Load() {
		t.Fatalf("receiver missed %d, counters dropped %d", missing, n.Counters().SendDropped.Load())
	}
	mean := float64(missing) / float64(bursts)
	t.Logf("missed %d of %d (%.2f%%) in %d bursts, mean %.2f", missing, total, 100*float64(missing)/total, bursts, mean)
	if math.Abs(mean-4)/4 > 0.10 { // 8000 datagrams: about 400 bursts
		t.Fatalf("mean burst %.2f, want 4", mean)
	}
}

func TestValidateBurst(t *testing.T) {
	t.Parallel()
	for _, c := range []Config{
		{Up: Link{Loss: 0.8, Burst: 2}},
		{Down: Link{Burst: 0.5}},
		{SendLoss: 0.1, Up: Link{Loss: 0.1}},
		{Down: Link{Duplicate: 2}},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if err := (Config{Up: Link{Loss: 0.6, Burst: 2}}).Validate(); err != nil {
		t.Errorf("60%% in bursts of 2: %v", err)
	}
	n := Config{SendLoss: 0.1, RecvLoss: 0.2, Delay: time.Millisecond, SendRate: 5}.Normalized()
	if n.Up.Loss != 0.1 || n.Down.Loss != 0.2 || n.Up.Delay != time.Millisecond || n.Up.Rate != 5 || n.SendLoss != 0 {
		t.Errorf("normalized %+v", n)
	}
}

// The RTP tally reads SSRC and sequence numbers off the wire, tells
// retransmissions from first transmissions, and counts the span a
// receiver can see (from the first delivered packet to the last).
func TestRTPTally(t *testing.T) {
	t.Parallel()
	pkt := func(ssrc uint32, seq uint16) []byte {
		b := make([]byte, 20)
		b[0], b[1] = 0x80, 96
		b[2], b[3] = byte(seq>>8), byte(seq)
		b[8], b[9], b[10], b[11] = byte(ssrc>>24), byte(ssrc>>16), byte(ssrc>>8), byte(ssrc)
		return b
	}
	var tl rtpTally
	for _, x := range []struct {
		seq  uint16
		drop bool
	}{{1, true}, {2, false}, {3, true}, {4, true}, {5, false}, {3, false}, {6, true}} {
		tl.add(pkt(7, x.seq), x.drop)
	}
	rtcp := pkt(7, 9)
	rtcp[1] = 200 // a sender report is no RTP
	tl.add(rtcp, true)
	tl.add([]byte{0, 1, 0, 0}, true) // STUN
	got := tl.get(7)
	want := RTPCount{Originals: 6, OriginalsDropped: 4, Retransmits: 1, Span: 4, SpanDropped: 2}
	if got != want {
		t.Fatalf("tally %+v, want %+v", got, want)
	}
}
