package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
	"github.com/roombot/roombot/signaling"
)

// raw is a bare WebSocket client speaking the protocol by hand.
type raw struct {
	t  *testing.T
	ws *websocket.Conn
}

func dialRaw(t *testing.T, s *Server) *raw {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	ws, resp, err := websocket.DefaultDialer.DialContext(ctx, s.SignalURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	t.Cleanup(func() { ws.Close() })
	return &raw{t: t, ws: ws}
}

func (r *raw) send(s string) {
	r.t.Helper()
	if err := r.ws.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		r.t.Fatal(err)
	}
}

// recv reads the next message; ok is false when the connection closed.
func (r *raw) recv() (protocol.Msg, *websocket.CloseError, bool) {
	r.t.Helper()
	_ = r.ws.SetReadDeadline(time.Now().Add(waitFor))
	_, b, err := r.ws.ReadMessage()
	if err != nil {
		ce, _ := err.(*websocket.CloseError)
		return protocol.Msg{}, ce, false
	}
	m, err := protocol.Decode(b)
	if err != nil {
		r.t.Fatalf("server sent undecodable %s: %v", b, err)
	}
	return m, nil, true
}

// failure reads the next message and returns its code (reply or error event).
func (r *raw) failure() int {
	r.t.Helper()
	m, _, ok := r.recv()
	if !ok {
		r.t.Fatal("connection closed")
	}
	switch b := m.Body.(type) {
	case *protocol.Reply:
		return b.Code
	case *protocol.Error:
		return b.Code
	}
	r.t.Fatalf("got %s, want a failure", m.Type)
	return 0
}

func TestBadInput(t *testing.T) {
	s := startServer(t, Config{})
	// A bystander in a room must be unaffected by all of it.
	by := mustJoin(t, s, "bystander", joinOpts{room: 99, im: true})

	t.Run("malformed, unknown, out of order", func(t *testing.T) {
		r := dialRaw(t, s)
		for _, c := range []struct {
			in   string
			want int
		}{
			{`{"type":`, codes.ErrServerUnpack},
			{`[1,2,3]`, codes.ErrServerUnpack},
			{`{"type":"teleport","id":4}`, codes.ErrServerInvalidCommand},
			{`{"type":"answer","id":6,"data":{"sdp":"v=0"}}`, codes.ErrServerInvalidCommand},
			{`{"type":"im","id":7,"data":{"kind":"text","text":"hi"}}`, codes.ErrServerInvalidCommand},
			{`{"type":"offer","id":8,"data":{"sdp":"v=0"}}`, codes.ErrServerInvalidCommand},
		} {
			r.send(c.in)
			if got := r.failure(); got != c.want {
				t.Fatalf("%s: code %d, want %d", c.in, got, c.want)
			}
		}
		if err := r.ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2}); err != nil {
			t.Fatal(err)
		}
		if got := r.failure(); got != codes.ErrServerUnpack {
			t.Fatalf("binary: %d", got)
		}
		r.send(`{"type":"ping","id":9}`)
		if m, _, ok := r.recv(); !ok || m.Type != protocol.TypePong || m.ID != 9 {
			t.Fatalf("ping: %+v", m)
		}
	})
	t.Run("offer before answer, answer garbage after enter", func(t *testing.T) {
		r := dialRaw(t, s)
		e, _ := json.Marshal(protocol.Enter{SDKAppID: DefaultSDKAppID, UserID: "rawuser", UserSig: userSig(t, "rawuser"), RoomID: 98})
		r.send(`{"type":"enter","id":1,"data":` + string(e) + `}`)
		if m, _, ok := r.recv(); !ok || m.Type != protocol.TypeEntered || m.ID != 1 {
			t.Fatalf("enter: %+v", m)
		}
		r.recv() // members
		r.send(`{"type":"answer","id":2,"data":{"sdp":"garbage"}}`)
		if got := r.failure(); got != codes.ErrServerInvalidCommand {
			t.Fatalf("answer without offer: %d", got)
		}
		r.send(`{"type":"enter","id":3,"data":` + string(e) + `}`)
		if got := r.failure(); got != codes.ErrServerInvalidCommand {
			t.Fatalf("second enter: %d", got)
		}
	})
	t.Run("a refused answer gets the offer again", func(t *testing.T) {
		r := dialRaw(t, s)
		e, _ := json.Marshal(protocol.Enter{SDKAppID: DefaultSDKAppID, UserID: "answerer", UserSig: userSig(t, "answerer"), RoomID: 97, PublishAudio: true})
		r.send(`{"type":"enter","id":1,"data":` + string(e) + `}`)
		offers := 0
		for offers == 0 {
			m, _, ok := r.recv()
			if !ok {
				t.Fatal("closed")
			}
			if m.Type == protocol.TypeOffer {
				offers++
			}
		}
		r.send(`{"type":"answer","id":2,"data":{"sdp":"v=0\r\nnot an answer\r\n"}}`)
		gotReply, gotOffer := false, false
		for !gotReply || !gotOffer {
			m, _, ok := r.recv()
			if !ok {
				t.Fatal("closed")
			}
			switch b := m.Body.(type) {
			case *protocol.Reply:
				if m.ID != 2 || b.Code != codes.ErrServerInvalidCommand {
					t.Fatalf("reply %+v", b)
				}
				gotReply = true
			case *protocol.SDP:
				gotOffer = true
			}
		}
	})
	t.Run("oversized frame closes", func(t *testing.T) {
		r := dialRaw(t, s)
		r.send(`{"type":"ping","pad":"` + strings.Repeat("a", protocol.MaxFrameBytes) + `"}`)
		for {
			_, ce, ok := r.recv()
			if !ok {
				if ce == nil || ce.Code != websocket.CloseMessageTooBig {
					t.Fatalf("close: %v", ce)
				}
				break
			}
		}
	})
	t.Run("flood closes", func(t *testing.T) {
		r := dialRaw(t, s)
		for i := 0; i < 8*int(DefaultMessageRate); i++ {
			if err := r.ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping"}`)); err != nil {
				break // the server closed while we were still writing
			}
		}
		// The server sends an error event and closes (1008), reading on
		// until our close frame so that no reset loses them
		// (TestFloodReachesClient).
		for {
			_, ce, ok := r.recv()
			if !ok {
				if ce == nil || ce.Code != websocket.ClosePolicyViolation {
					t.Fatalf("close: %v", ce)
				}
				break
			}
		}
	})
	t.Run("bystander unaffected", func(t *testing.T) {
		if err := by.do(signaling.SetRecvMode{Mode: signaling.RecvAll}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestHTTPEndpoints(t *testing.T) {
	s := startServer(t, Config{})
	get := func(path string) (int, string) {
		resp, err := http.Get(s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("healthz: %d %q", code, body)
	}
	mustJoin(t, s, "m1", joinOpts{room: 1})
	_, _ = join(t, s, "m2", joinOpts{room: 1, sig: "bad"})
	code, body := get("/metrics")
	for _, want := range []string{"roombot_rooms 1", "roombot_members 1", `roombot_errors_total{code="-100018"} 1`, "roombot_forwarded_packets_total"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Fatalf("metrics (%d) lacks %q:\n%s", code, want, body)
		}
	}
	resp, err := http.Post(s.URL()+"/api/sign", "application/json", strings.NewReader(`{"userID":"signed","roomID":5}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		UserSig  string `json:"userSig"`
		SDKAppID uint32 `json:"sdkAppID"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || out.SDKAppID != DefaultSDKAppID {
		t.Fatalf("sign: %d %+v %v", resp.StatusCode, out, err)
	}
	mustJoin(t, s, "signed", joinOpts{room: 5, sig: out.UserSig})
}

func TestCloseWithClients(t *testing.T) {
	s, err := Start(context.Background(), Config{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	a := mustJoin(t, s, "a", joinOpts{room: 1, audio: true})
	b := mustJoin(t, s, "b", joinOpts{room: 1})
	_, _ = awaitTrack(t, &writer{t: t, tr: a.audio}, b, "a", "audio")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	for _, c := range []*client{a, b} {
		c.next("disconnected", func(e signaling.Event) bool { _, ok := e.(signaling.Disconnected); return ok })
	}
	// Cancelling the start context also closes a server.
	ctx, cancel := context.WithCancel(context.Background())
	s2, err := Start(ctx, Config{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
}
