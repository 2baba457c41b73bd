package netem

import (
	"net"
	"testing"
	"time"
)

// The link model: each datagram waits for the ones before it, at the
// link's rate, and the queue drops beyond its bound.
func TestRateLinkAdmit(t *testing.T) {
	t.Parallel()
	var l rateLink // 80 kbit/s: 1000 bytes = 100 ms
	admit := func(now time.Time, n int) (time.Duration, bool) { return l.admit(now, n, 80_000, 200*time.Millisecond) }
	now := time.Unix(1000, 0)
	for i, want := range []time.Duration{100, 200, 300} {
		d, ok := admit(now, 1000)
		if !ok || d != want*time.Millisecond {
			t.Fatalf("datagram %d: wait %v ok %v, want %v ms", i, d, ok, want)
		}
	}
	if _, ok := admit(now, 1000); ok {
		t.Fatal("a datagram behind 300 ms of queue (bound 200 ms) was admitted")
	}
	if d, ok := admit(now.Add(time.Second), 1000); !ok || d != 100*time.Millisecond {
		t.Fatalf("after the queue drained: wait %v ok %v, want 100 ms", d, ok)
	}
	// A zero bound is DefaultRateQueue (200 ms): 300 ms of queue drops.
	var z rateLink
	for range 3 {
		z.admit(now, 1000, 80_000, 0)
	}
	if _, ok := z.admit(now, 1000, 80_000, 0); ok {
		t.Fatal("a zero queue bound does not default to DefaultRateQueue")
	}
}

// Over real sockets, writing at twice the cap delivers the cap: about half
// the datagrams arrive, spread at the link's rate, the rest are dropped by
// the queue.
func TestSendRateCap(t *testing.T) {
	t.Parallel()
	const rate, size, every, total = 400_000, 1000, 10 * time.Millisecond, 100 // writes 800 kbit/s for 1 s
	n, rx := pair(t, Config{SendRate: rate})
	tx, err := n.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	type result struct {
		count       int
		first, last time.Time
	}
	got := make(chan result)
	go func() {
		buf := make([]byte, 2000)
		var r result
		for {
			_ = rx.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
			if _, _, err := rx.ReadFrom(buf); err != nil {
				got <- r
				return
			}
			if r.count == 0 {
				r.first = time.Now()
			}
			r.last = time.Now()
			r.count++
		}
	}()
	p := make([]byte, size)
	tick := time.NewTicker(every)
	began := time.Now()
	for i := 0; i < total; i++ {
		if _, err := tx.WriteTo(p, rx.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		<-tick.C
	}
	tick.Stop()
	sending := time.Since(began) // longer than 1 s on a loaded machine
	r := <-got
	c := n.Counters()
	if uint64(r.count)+c.SendDropped.Load() != total || c.QueueDropped.Load() != c.SendDropped.Load() {
		t.Fatalf("received %d + dropped %d (queue %d) != sent %d", r.count, c.SendDropped.Load(), c.QueueDropped.Load(), total)
	}
	kbps := float64((r.count-1)*size*8) / r.last.Sub(r.first).Seconds() / 1000
	t.Logf("received %d of %d datagrams at %.0f kbit/s (cap %d); queue dropped %d", r.count, total, kbps, rate/1000, c.QueueDropped.Load())
	if kbps < 0.85*rate/1000 || kbps > 1.1*rate/1000 {
		t.Fatalf("delivered %.0f kbit/s through a %d kbit/s cap", kbps, rate/1000)
	}
	// The link carries what it can serialise while the writes last, plus
	// the queue it holds at the end: (sending + 200 ms) at the cap.
	want := (sending + DefaultRateQueue).Seconds() * rate / 8 / size
	if float64(r.count) < 0.85*want || float64(r.count) > 1.1*want+1 {
		t.Fatalf("%d of %d datagrams arrived over %v of writes, want %.0f", r.count, total, sending, want)
	}
}
