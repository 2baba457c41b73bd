package server

import (
	"fmt"
	"testing"
)

// TestBusyRoom: twelve publishers enter one room one after another; every
// one ends up with the audio and video of all the others (264 forwarded
// tracks), through a storm of renegotiations.
func TestBusyRoom(t *testing.T) {
	if testing.Short() {
		t.Skip("24 pumps, 264 forwarded tracks")
	}
	const n = 12
	s := startServer(t, Config{})
	cls := make([]*client, n)
	for i := range cls {
		cls[i] = mustJoin(t, s, fmt.Sprintf("u%02d", i), joinOpts{room: 500, audio: true, video: true})
		startPump(t, cls[i].audio, 20, 100)
		startPump(t, cls[i].video, 20, 800)
	}
	for i, c := range cls {
		for j, o := range cls {
			if i == j {
				continue
			}
			for _, kind := range []string{"audio", "video"} {
				rt := c.track(o.userID, kind)
				r := readTrack(t, rt.Track)
				r.next(t)
			}
		}
	}
	if got := s.Rooms()[0].Members; len(got) != n {
		t.Fatalf("%d members", len(got))
	}
}
