package server

import (
	"strings"
	"testing"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
)

func isMsg(e signaling.Event) bool { _, ok := e.(signaling.Message); return ok }

func TestIM(t *testing.T) {
	s := startServer(t, Config{})
	a := mustJoin(t, s, "alice", joinOpts{room: 3, im: true})
	b := mustJoin(t, s, "bob", joinOpts{room: 3, im: true})
	c := mustJoin(t, s, "carol", joinOpts{room: 3, im: true})
	d := mustJoin(t, s, "dave", joinOpts{room: 3}) // not in the IM group
	x := mustJoin(t, s, "xena", joinOpts{room: 4, im: true})
	send := func(cl *client, m signaling.Message) error { return cl.do(signaling.SendMessage{Message: m}) }

	t.Run("group fan-out", func(t *testing.T) {
		if err := send(a, signaling.Message{Type: signaling.MessageText, Text: "hello"}); err != nil {
			t.Fatal(err)
		}
		var seq uint64
		for _, cl := range []*client{b, c} {
			m := cl.next("group message", isMsg).(signaling.Message)
			if m.From != "alice" || m.Group != "3" || m.Text != "hello" || m.Type != signaling.MessageText || m.Seq == 0 {
				t.Fatalf("%s got %+v", cl.userID, m)
			}
			seq = m.Seq
		}
		if err := send(b, signaling.Message{Type: signaling.MessageCustom, Data: "d", Desc: "e", Ext: "f"}); err != nil {
			t.Fatal(err)
		}
		m := a.next("custom message", isMsg).(signaling.Message)
		if m.From != "bob" || m.Data != "d" || m.Desc != "e" || m.Ext != "f" || m.Seq != seq+1 {
			t.Fatalf("custom: %+v (previous seq %d)", m, seq)
		}
		// Dave (no IM) and Xena (another room) got nothing: an event sent to
		// them afterwards arrives first.
		if err := a.do(signaling.SetLocalMedia{AudioMuted: true}); err != nil {
			t.Fatal(err)
		}
		d.next("remote media after the messages", func(e signaling.Event) bool {
			if isMsg(e) {
				t.Fatalf("dave got a group message: %+v", e)
			}
			_, ok := e.(signaling.RemoteMedia)
			return ok
		})
		if err := send(x, signaling.Message{To: "alice", Text: "c2c across rooms"}); err != nil {
			t.Fatal(err)
		}
		m = a.next("c2c", isMsg).(signaling.Message)
		if m.From != "xena" || m.To != "alice" || m.Group != "" || m.Text != "c2c across rooms" {
			t.Fatalf("c2c: %+v", m)
		}
		select {
		case e := <-x.events:
			if isMsg(e) {
				t.Fatalf("xena got a room-3 message: %+v", e)
			}
		default:
		}
	})

	t.Run("limits and refusals", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			from *client
			m    signaling.Message
			want int
		}{
			{"group at limit", a, signaling.Message{Text: strings.Repeat("x", codes.MaxGroupMessageBytes)}, 0},
			{"group over limit", a, signaling.Message{Text: strings.Repeat("x", codes.MaxGroupMessageBytes+1)}, codes.ErrIMTooLong},
			{"custom over limit", a, signaling.Message{Type: signaling.MessageCustom, Data: strings.Repeat("x", 8000), Desc: strings.Repeat("y", 899)}, codes.ErrIMTooLong},
			{"c2c at limit", a, signaling.Message{To: "bob", Text: strings.Repeat("x", codes.MaxC2CMessageBytes)}, 0},
			{"c2c over limit", a, signaling.Message{To: "bob", Text: strings.Repeat("x", codes.MaxC2CMessageBytes+1)}, codes.ErrIMTooLong},
			{"empty", a, signaling.Message{Text: ""}, codes.ErrIMEmptyMessage},
			{"c2c offline", a, signaling.Message{To: "nobody", Text: "hi"}, codes.ErrIMNoReceiver},
			{"c2c to a user without IM", a, signaling.Message{To: "dave", Text: "hi"}, codes.ErrIMNoReceiver},
			{"sender without IM", d, signaling.Message{Text: "hi"}, codes.ErrIMSendFailed},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := signaling.CodeOf(send(tc.from, tc.m)); got != tc.want {
					t.Fatalf("code %d, want %d", got, tc.want)
				}
			})
		}
		m := b.next("the 8898-byte group message", isMsg).(signaling.Message)
		if len(m.Text) != codes.MaxGroupMessageBytes {
			t.Fatalf("got %d bytes", len(m.Text))
		}
	})
}
