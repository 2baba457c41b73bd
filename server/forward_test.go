package server

import (
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/signaling"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// readPackets reads RTP from tr until n distinct packets arrived or d
// elapsed and returns the count and the sequence span seen (retransmitted
// duplicates count once).
func readPackets(t *testing.T, tr *webrtc.TrackRemote, n int, d time.Duration) (got int, span int) {
	t.Helper()
	done := make(chan struct{})
	var first, last uint16
	seen := map[uint16]bool{}
	go func() {
		defer close(done)
		for got < n {
			p, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			if seen[p.SequenceNumber] {
				continue
			}
			seen[p.SequenceNumber] = true
			if got == 0 {
				first = p.SequenceNumber
			}
			last = p.SequenceNumber
			got++
		}
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("received %d of %d packets in %v", got, n, d)
	}
	return got, int(last-first) + 1
}

func TestEnterForwardLeave(t *testing.T) {
	s := startServer(t, Config{})
	a := mustJoin(t, s, "alice", joinOpts{room: 1234, audio: true, video: true})
	a.next("members", func(e signaling.Event) bool { m, ok := e.(signaling.Members); return ok && len(m.List) == 0 })
	b := mustJoin(t, s, "bob", joinOpts{room: 1234})
	b.next("members with alice", func(e signaling.Event) bool {
		m, ok := e.(signaling.Members)
		return ok && len(m.List) == 1 && m.List[0].UserID == "alice" && m.List[0].Publishing
	})
	a.next("bob entered", func(e signaling.Event) bool {
		u, ok := e.(signaling.UserEntered)
		return ok && u.Member.UserID == "bob"
	})

	vp := startPump(t, a.video, 200, 1000)
	ap := startPump(t, a.audio, 50, 100)
	vt := b.track("alice", "video")
	at := b.track("alice", "audio")
	if vt.Track.StreamID() != "alice" || vt.Track.ID() != "alice-video" {
		t.Fatalf("track ids: stream %q track %q", vt.Track.StreamID(), vt.Track.ID())
	}
	got, span := readPackets(t, vt.Track, 400, waitFor)
	if loss := 1 - float64(got)/float64(span); loss > 0.01 {
		t.Fatalf("video loss %.2f%% (%d of %d)", loss*100, got, span)
	}
	if got, _ := readPackets(t, at.Track, 50, waitFor); got != 50 {
		t.Fatalf("audio: %d packets", got)
	}
	vp.close()
	ap.close()

	if err := b.sess.Leave(t.Context()); err != nil {
		t.Fatalf("leave: %v", err)
	}
	a.next("bob left", func(e signaling.Event) bool { u, ok := e.(signaling.UserLeft); return ok && u.UserID == "bob" })
	if err := b.sess.Leave(t.Context()); err != nil {
		t.Fatalf("second leave: %v", err)
	}
	if err := a.sess.Leave(t.Context()); err != nil {
		t.Fatal(err)
	}
	if rooms := s.Rooms(); len(rooms) != 0 {
		t.Fatalf("empty room not removed: %+v", rooms)
	}
}
