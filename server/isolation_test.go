package server

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/roombot/roombot/signaling"
)

// TestIsolation: 100 rooms, a publisher and a subscriber in each; no RTP
// packet and no IM message crosses a room.
func TestIsolation(t *testing.T) {
	if testing.Short() {
		t.Skip("200 peer connections")
	}
	const rooms = 100
	s := startServer(t, Config{})
	type pair struct {
		pub, sub *client
		w        *writer
		r        *reader
	}
	pairs := make([]pair, rooms)
	for i := range pairs {
		room := uint32(1000 + i)
		p := mustJoin(t, s, "pub", joinOpts{room: room, video: true, im: true})
		sub := mustJoin(t, s, "sub", joinOpts{room: room, im: true})
		w := &writer{t: t, tr: p.video, mark: room}
		_, r := awaitTrack(t, w, sub, "pub", "video")
		pairs[i] = pair{p, sub, w, r}
	}
	pace := time.NewTicker(2 * time.Millisecond) // media is paced, not a 1000-packet burst
	defer pace.Stop()
	for _, p := range pairs {
		<-pace.C
		p.w.write(1, 10)
		if err := p.pub.do(signaling.SendMessage{Message: signaling.Message{Text: fmt.Sprint(p.w.mark)}}); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range pairs {
		want := uint32(1000 + i)
		for n := 0; n < 10; {
			pkt := p.r.next(t)
			if got := binary.BigEndian.Uint32(pkt.Payload[1:5]); got != want {
				t.Fatalf("room %d received a packet of room %d", want, got)
			}
			if pkt.Payload[0] == 1 {
				n++
			}
		}
		m := p.sub.next("group message", isMsg).(signaling.Message)
		if m.Text != fmt.Sprint(want) || m.Group != fmt.Sprint(want) {
			t.Fatalf("room %d received message %q of group %q", want, m.Text, m.Group)
		}
	}
	if n := len(s.Rooms()); n != rooms {
		t.Fatalf("%d rooms listed", n)
	}
}
