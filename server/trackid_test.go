package server

import (
	"testing"
)

// Forwarded tracks have unique IDs within the subscriber's PeerConnection
// (<userID>-<kind>) and stream ID = the publisher's userID, so a client can
// key by either.
func TestForwardedTrackIDsUnique(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	a := mustJoin(t, s, "alice", joinOpts{room: 32, audio: true, video: true})
	b := mustJoin(t, s, "bob", joinOpts{room: 32, video: true})
	sub := mustJoin(t, s, "sub", joinOpts{room: 32})
	seen := map[string]string{}
	for _, c := range []struct {
		w          *writer
		user, kind string
	}{
		{&writer{t: t, tr: a.audio}, "alice", "audio"},
		{&writer{t: t, tr: a.video}, "alice", "video"},
		{&writer{t: t, tr: b.video}, "bob", "video"},
	} {
		rt, _ := awaitTrack(t, c.w, sub, c.user, c.kind)
		want := c.user + "-" + c.kind
		if id := rt.Track.ID(); id != want || rt.Track.StreamID() != c.user {
			t.Fatalf("%s %s: track ID %q stream %q, want %q stream %q", c.user, c.kind, id, rt.Track.StreamID(), want, c.user)
		}
		if prev, dup := seen[rt.Track.ID()]; dup {
			t.Fatalf("track ID %q used by %s and %s", rt.Track.ID(), prev, c.user)
		}
		seen[rt.Track.ID()] = c.user
	}
}
