package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
)

// admin calls the admin API and decodes the answer into out (may be nil).
func admin(t *testing.T, s *Server, method, path, token string, body any, out any) int {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

func isKick(r signaling.KickReason) func(signaling.Event) bool {
	return func(e signaling.Event) bool { k, ok := e.(signaling.Kicked); return ok && k.Reason == r }
}

func leftEv(user string) func(signaling.Event) bool {
	return func(e signaling.Event) bool { u, ok := e.(signaling.UserLeft); return ok && u.UserID == user }
}

func TestAdmin(t *testing.T) {
	s := startServer(t, Config{AdminToken: "tok"})
	tok := s.AdminToken()
	if tok != "tok" {
		t.Fatalf("token %q", tok)
	}

	t.Run("auth", func(t *testing.T) {
		for _, bad := range []string{"", "wrong"} {
			if code := admin(t, s, "GET", "/admin/rooms", bad, nil, nil); code != http.StatusUnauthorized {
				t.Fatalf("token %q: status %d", bad, code)
			}
		}
	})
	t.Run("list, kick, dismiss", func(t *testing.T) {
		a := mustJoin(t, s, "alice", joinOpts{room: 10})
		b := mustJoin(t, s, "bob", joinOpts{room: 10, im: true})
		c := mustJoin(t, s, "carol", joinOpts{strRoom: "lobby"})
		var rooms []RoomInfo
		if code := admin(t, s, "GET", "/admin/rooms", tok, nil, &rooms); code != 200 {
			t.Fatalf("list: %d", code)
		}
		if len(rooms) != 2 || rooms[0].StrRoomID != "lobby" || rooms[1].RoomID != 10 || len(rooms[1].Members) != 2 ||
			rooms[1].Members[1].UserID != "bob" || !rooms[1].Members[1].IM {
			t.Fatalf("rooms: %+v", rooms)
		}
		if code := admin(t, s, "POST", "/admin/kick", tok, Target{RoomID: 10, UserID: "bob"}, nil); code != 200 {
			t.Fatalf("kick: %d", code)
		}
		b.next("banned", isKick(signaling.KickByAdmin))
		a.next("bob left", leftEv("bob"))
		if code := admin(t, s, "POST", "/admin/kick", tok, Target{RoomID: 10, UserID: "bob"}, nil); code != 404 {
			t.Fatalf("kick again: %d", code)
		}
		if code := admin(t, s, "POST", "/admin/dismiss", tok, Target{StrRoomID: "lobby"}, nil); code != 200 {
			t.Fatalf("dismiss: %d", code)
		}
		c.next("room-disband", isKick(signaling.KickRoomDismissed))
		rooms = nil
		admin(t, s, "GET", "/admin/rooms", tok, nil, &rooms)
		if len(rooms) != 1 || rooms[0].RoomID != 10 {
			t.Fatalf("after dismiss: %+v", rooms)
		}
		if code := admin(t, s, "POST", "/admin/dismiss", tok, map[string]any{"roomID": "x"}, nil); code != 400 {
			t.Fatalf("bad body: %d", code)
		}
	})
	t.Run("fail next enters", func(t *testing.T) {
		f := EnterFault{UserID: "flaky", Count: 2, Code: codes.ErrServerServiceSuspended}
		if code := admin(t, s, "POST", "/admin/faults/enter", tok, f, nil); code != 200 {
			t.Fatalf("fault: %d", code)
		}
		mustJoin(t, s, "steady", joinOpts{room: 11}) // does not match
		for i := 0; i < 2; i++ {
			if _, err := join(t, s, "flaky", joinOpts{room: 11}); signaling.CodeOf(err) != codes.ErrServerServiceSuspended {
				t.Fatalf("enter %d: %v", i, err)
			}
		}
		mustJoin(t, s, "flaky", joinOpts{room: 11})
		var fs Faults
		admin(t, s, "GET", "/admin/faults", tok, nil, &fs)
		if len(fs.Enters) != 0 {
			t.Fatalf("faults left: %+v", fs)
		}
	})
	t.Run("drop connection", func(t *testing.T) {
		a := mustJoin(t, s, "dropped", joinOpts{room: 12})
		b := mustJoin(t, s, "witness", joinOpts{room: 12})
		if code := admin(t, s, "POST", "/admin/faults/drop", tok, Target{UserID: "dropped"}, nil); code != 200 {
			t.Fatalf("drop: %d", code)
		}
		a.next("disconnected", func(e signaling.Event) bool { _, ok := e.(signaling.Disconnected); return ok })
		b.next("dropped left", leftEv("dropped"))
	})
	t.Run("pause media", func(t *testing.T) {
		a := mustJoin(t, s, "pub", joinOpts{room: 13, audio: true})
		b := mustJoin(t, s, "sub", joinOpts{room: 13})
		w := &writer{t: t, tr: a.audio}
		_, r := awaitTrack(t, w, b, "pub", "audio")
		holdCase(t, s, w, r, func() {
			if code := admin(t, s, "POST", "/admin/faults/pause", tok, Target{UserID: "pub", Duration: "1h"}, nil); code != 200 {
				t.Fatalf("pause: %d", code)
			}
		}, func() {
			if code := admin(t, s, "POST", "/admin/faults/pause", tok, Target{UserID: "pub", Duration: "0s"}, nil); code != 200 {
				t.Fatalf("resume: %d", code)
			}
		})
	})
	t.Run("delay replies", func(t *testing.T) {
		a := mustJoin(t, s, "slow", joinOpts{room: 14})
		const d = 300 * time.Millisecond
		if code := admin(t, s, "POST", "/admin/faults/delay", tok, Target{UserID: "slow", Duration: d.String()}, nil); code != 200 {
			t.Fatalf("delay: %d", code)
		}
		start := time.Now()
		if err := a.do(signaling.SetRecvMode{Mode: signaling.RecvAll}); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took < d {
			t.Fatalf("reply after %v, want >= %v", took, d)
		}
		if code := admin(t, s, "DELETE", "/admin/faults", tok, nil, nil); code != 200 {
			t.Fatalf("clear: %d", code)
		}
		start = time.Now()
		if err := a.do(signaling.SetRecvMode{Mode: signaling.RecvAll}); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took >= d {
			t.Fatalf("reply after %v with faults cleared", took)
		}
	})
}
