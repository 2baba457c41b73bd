package server

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
	"github.com/roombot/roombot/signaling"
)

// enterAs enters over a raw socket with the given role.
func (r *raw) enterAs(userID string, room uint32, role string) {
	r.t.Helper()
	e, _ := json.Marshal(protocol.Enter{SDKAppID: DefaultSDKAppID, UserID: userID, UserSig: userSig(r.t, userID), RoomID: room, Role: role})
	r.send(`{"type":"enter","id":1,"data":` + string(e) + `}`)
	for {
		m, _, ok := r.recv()
		if !ok {
			r.t.Fatalf("enter %s: closed", userID)
		}
		if m.Type == protocol.TypeEnterFailed {
			r.t.Fatalf("enter %s: %+v", userID, m.Body)
		}
		if m.Type == protocol.TypeMembers {
			return
		}
	}
}

// reply waits for the reply with id, skipping events.
func (r *raw) reply(id uint64) *protocol.Reply {
	r.t.Helper()
	for {
		m, _, ok := r.recv()
		if !ok {
			r.t.Fatalf("closed waiting for reply %d", id)
		}
		if b, isReply := m.Body.(*protocol.Reply); isReply && m.ID == id {
			return b
		}
	}
}

// noRemoteMedia fails if c gets a 1033/1034 within d.
func noRemoteMedia(t *testing.T, c *client, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case e := <-c.events:
			if m, ok := e.(signaling.RemoteMedia); ok {
				t.Fatalf("unexpected %+v", m)
			}
		case <-deadline:
			return
		}
	}
}

// media needs both fields: a missing one is not "false". An audience member
// publishes nothing, so it has no media state to announce.
func TestMediaRequiresBothFields(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	watcher := mustJoin(t, s, "watcher", joinOpts{room: 30})
	r := dialRaw(t, s)
	r.enterAs("anchor", 30, "")
	for i, body := range []string{`{"audioMuted":true}`, `{"videoOff":true}`, `{}`, `{"audioMuted":true,"videoOff":null}`} {
		id := uint64(10 + i)
		r.send(`{"type":"media","id":` + itoa(int(id)) + `,"data":` + body + `}`)
		if rep := r.reply(id); rep.Code != codes.ErrServerUnpack || rep.Message == "" {
			t.Fatalf("media %s: reply %+v, want %d naming the field", body, rep, codes.ErrServerUnpack)
		}
	}
	noRemoteMedia(t, watcher, 200*time.Millisecond)
	r.send(`{"type":"media","id":20,"data":{"audioMuted":true,"videoOff":false}}`)
	if rep := r.reply(20); rep.Code != 0 {
		t.Fatalf("full media: %+v", rep)
	}
	watcher.next("1034 of anchor", func(e signaling.Event) bool {
		m, ok := e.(signaling.RemoteMedia)
		return ok && m.UserID == "anchor" && m.AudioMuted && !m.VideoOff
	})

	aud := dialRaw(t, s)
	aud.enterAs("listener", 30, protocol.RoleAudience)
	aud.send(`{"type":"media","id":2,"data":{"audioMuted":true,"videoOff":true}}`)
	if rep := aud.reply(2); rep.Code != codes.ErrServerInvalidCommand {
		t.Fatalf("audience media: %+v, want %d", rep, codes.ErrServerInvalidCommand)
	}
	noRemoteMedia(t, watcher, 200*time.Millisecond)
}

// remote outranks recvmode for that user until it is cleared; then the
// receive mode applies again.
func TestRemoteClear(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	a := mustJoin(t, s, "alice", joinOpts{room: 31, audio: true})
	b := mustJoin(t, s, "bob", joinOpts{room: 31})
	aw := &writer{t: t, tr: a.audio}
	_, ar := awaitTrack(t, aw, b, "alice", "audio")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	holdCase(t, s, aw, ar, func() {
		must(b.do(signaling.SetRemoteMedia{UserID: "alice", Audio: false, Video: true}))
		must(b.do(signaling.SetRecvMode{Mode: signaling.RecvAll})) // the choice outranks it
	}, func() {
		must(b.do(signaling.SetRemoteMedia{UserID: "alice", Clear: true}))
	})
	// After the clear, recvmode decides for alice again.
	holdCase(t, s, aw, ar, func() {
		must(b.do(signaling.SetRecvMode{Mode: signaling.RecvVideo}))
	}, func() {
		must(b.do(signaling.SetRecvMode{Mode: signaling.RecvAll}))
	})
	if code := signaling.CodeOf(b.do(signaling.SetRemoteMedia{UserID: "nobody", Clear: true})); code != codes.ErrUserIDInvalid {
		t.Fatalf("clear for an absent user: %d", code)
	}
}
