package server

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
)

// TestNACK: a subscriber's NACK is answered from the server's
// retransmission buffer and never reaches the publisher; a packet lost
// upstream is requested from the publisher at most twice however often
// subscribers ask.
func TestNACK(t *testing.T) {
	s := startServer(t, Config{})
	a := mustJoin(t, s, "alice", joinOpts{room: 30, video: true})
	b := mustJoin(t, s, "bob", joinOpts{room: 30})
	w := &writer{t: t, tr: a.video}
	vt, r := awaitTrack(t, w, b, "alice", "video")
	w.write(1, 10)
	var got []uint16
	for i := 0; i < 10; i++ {
		got = append(got, r.expectTagged(t, 1, 1).SequenceNumber)
	}
	nack := func(seq uint16) {
		t.Helper()
		pkt := &rtcp.TransportLayerNack{MediaSSRC: uint32(vt.Track.SSRC()), Nacks: rtcp.NackPairsFromSequenceNumbers([]uint16{seq})}
		if _, err := vt.Receiver.Transport().WriteRTCP([]rtcp.Packet{pkt}); err != nil {
			t.Fatal(err)
		}
	}
	want := got[5]
	nack(want)
	for p := r.next(t); p.SequenceNumber != want; p = r.next(t) {
	}
	// No offset was applied (nothing held), so both legs use the same numbers.
	if n := a.spy.nacked(want); n != 0 {
		t.Fatalf("the subscriber's NACK reached the publisher %d times", n)
	}

	// Upstream loss: one sequence number is never sent.
	w.seq++
	lost := w.seq
	w.write(2, 10)
	eventually(t, "the server to NACK the lost packet", func() bool { return a.spy.nacked(lost) > 0 })
	for i := 0; i < 10; i++ { // the subscriber insists
		nack(lost)
	}
	time.Sleep(time.Second) // a bound on repeats needs a window: the generator runs every 100 ms
	if n := a.spy.nacked(lost); n > 2 {
		t.Fatalf("lost packet requested from the publisher %d times, cap is 2", n)
	}
}
