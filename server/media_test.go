package server

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/roombot/roombot/signaling"
)

// holdCase runs: 20 packets flow, stop() holds them, 20 are written and
// must not arrive, resume() lets them flow again with no sequence gap.
func holdCase(t *testing.T, s *Server, w *writer, r *reader, stop, resume func()) {
	t.Helper()
	w.write(1, 20)
	last := r.expectTagged(t, 1, 20)
	stop()
	held := s.SFUStats().PacketsHeld.Load()
	w.write(2, 20)
	// Media (UDP) and signaling (TCP) race: resume only after the server
	// has read and held all 20 packets.
	eventually(t, "20 packets held", func() bool { return s.SFUStats().PacketsHeld.Load() >= held+20 })
	resume()
	w.write(3, 20)
	first := r.expectTagged(t, 3, 1)
	if first.SequenceNumber != last.SequenceNumber+1 {
		t.Fatalf("sequence gap over the hold: %d then %d", last.SequenceNumber, first.SequenceNumber)
	}
	r.expectTagged(t, 3, 19)
}

// eventually polls cond every 2 ms for up to waitFor: for the server's
// counters, which have no event to wait on.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(waitFor)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestMuteBlockRecvMode(t *testing.T) {
	s := startServer(t, Config{})
	a := mustJoin(t, s, "alice", joinOpts{room: 1, audio: true, video: true})
	b := mustJoin(t, s, "bob", joinOpts{room: 1})
	aw, vw := &writer{t: t, tr: a.audio}, &writer{t: t, tr: a.video}
	_, ar := awaitTrack(t, aw, b, "alice", "audio")
	vt, vr := awaitTrack(t, vw, b, "alice", "video")
	remote := func(audioMuted, videoOff bool) func(signaling.Event) bool {
		return func(e signaling.Event) bool {
			m, ok := e.(signaling.RemoteMedia)
			return ok && m.UserID == "alice" && m.AudioMuted == audioMuted && m.VideoOff == videoOff
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	t.Run("mute audio", func(t *testing.T) {
		holdCase(t, s, aw, ar, func() {
			must(a.do(signaling.SetLocalMedia{AudioMuted: true}))
			b.next("1034 muted", remote(true, false))
		}, func() {
			must(a.do(signaling.SetLocalMedia{}))
			b.next("1034 unmuted", remote(false, false))
		})
	})
	t.Run("camera off", func(t *testing.T) {
		base := a.spy.plis.Load()
		holdCase(t, s, vw, vr, func() {
			must(a.do(signaling.SetLocalMedia{VideoOff: true}))
			b.next("1033 off", remote(false, true))
		}, func() {
			must(a.do(signaling.SetLocalMedia{}))
			b.next("1033 on", remote(false, false))
		})
		if a.spy.plis.Load() == base {
			t.Log("no keyframe request after camera on (rate-limited)")
		}
	})
	t.Run("block user", func(t *testing.T) {
		holdCase(t, s, vw, vr, func() {
			must(b.do(signaling.SetRemoteMedia{UserID: "alice", Audio: true, Video: false}))
		}, func() {
			must(b.do(signaling.SetRemoteMedia{UserID: "alice", Audio: true, Video: true}))
		})
	})
	t.Run("recvmode video only", func(t *testing.T) {
		// A fresh subscriber: bob's per-user choice for alice outranks his recvmode.
		c := mustJoin(t, s, "carol", joinOpts{room: 1})
		_, cr := awaitTrack(t, aw, c, "alice", "audio")
		holdCase(t, s, aw, cr, func() {
			must(c.do(signaling.SetRecvMode{Mode: signaling.RecvVideo}))
		}, func() {
			must(c.do(signaling.SetRecvMode{Mode: signaling.RecvAll}))
		})
		must(c.sess.Leave(t.Context()))
	})
	t.Run("bad requests change nothing", func(t *testing.T) {
		if code := signaling.CodeOf(b.do(signaling.SetRecvMode{Mode: 9})); code == 0 {
			t.Fatal("recvmode 9 accepted")
		}
		if code := signaling.CodeOf(b.do(signaling.SetRemoteMedia{UserID: "nobody", Audio: false})); code == 0 {
			t.Fatal("blocking an absent user accepted")
		}
		aw.write(4, 5)
		for p := ar.next(t); p.Payload[0] != 4; p = ar.next(t) { // skip what bob got during carol's case
		}
		ar.expectTagged(t, 4, 4)
	})
	t.Run("keyframe request reaches the publisher", func(t *testing.T) {
		base := a.spy.plis.Load()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for i := 0; a.spy.plis.Load() == base; i++ {
			if i == 50 {
				t.Fatal("no PLI reached the publisher")
			}
			if _, err := vt.Receiver.Transport().WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(vt.Track.SSRC())}}); err != nil {
				t.Fatal(err)
			}
			<-tick.C
		}
	})
}

func TestRenegotiationAndDuplicateLogin(t *testing.T) {
	s := startServer(t, Config{})
	b := mustJoin(t, s, "bob", joinOpts{room: 2})
	c := mustJoin(t, s, "carol", joinOpts{room: 2, video: true})
	w := &writer{t: t, tr: c.video}
	_, r := awaitTrack(t, w, b, "carol", "video")
	w.write(1, 1)
	r.expectTagged(t, 1, 1)

	// Carol enters again elsewhere: the first session is kicked.
	c2 := mustJoin(t, s, "carol", joinOpts{room: 2, video: true})
	k := c.next("kick", func(e signaling.Event) bool { _, ok := e.(signaling.Kicked); return ok }).(signaling.Kicked)
	if k.Reason != signaling.KickDuplicateLogin {
		t.Fatalf("kick reason %q", k.Reason)
	}
	b.next("carol left", func(e signaling.Event) bool { u, ok := e.(signaling.UserLeft); return ok && u.UserID == "carol" })
	b.next("carol entered", func(e signaling.Event) bool {
		u, ok := e.(signaling.UserEntered)
		return ok && u.Member.UserID == "carol"
	})
	r.ended(t)

	// The new session's track arrives through a renegotiation.
	w2 := &writer{t: t, tr: c2.video}
	_, r2 := awaitTrack(t, w2, b, "carol", "video")
	w2.write(2, 1)
	r2.expectTagged(t, 2, 1)
	if err := c.do(signaling.SetLocalMedia{}); err == nil {
		t.Fatal("request on a kicked session succeeded")
	}
}
