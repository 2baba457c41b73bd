package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
)

// closeCode reads until the server closes and returns its close frame (nil:
// the connection ended without one), failing after limit.
func (r *raw) closeCode(limit time.Duration) *websocket.CloseError {
	r.t.Helper()
	_ = r.ws.SetReadDeadline(time.Now().Add(limit))
	for {
		_, _, err := r.ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			r.t.Fatalf("no close within %v", limit)
		}
		r.t.Fatalf("connection ended without a close frame: %v", err)
		return nil
	}
}

func (r *raw) enter(userID string, room uint32) {
	r.t.Helper()
	e, _ := json.Marshal(protocol.Enter{SDKAppID: DefaultSDKAppID, UserID: userID, UserSig: userSig(r.t, userID), RoomID: room})
	r.send(`{"type":"enter","id":1,"data":` + string(e) + `}`)
	if m, _, ok := r.recv(); !ok || m.Type != protocol.TypeEntered {
		r.t.Fatalf("enter %s: %+v", userID, m)
	}
	if m, _, ok := r.recv(); !ok || m.Type != protocol.TypeMembers {
		r.t.Fatalf("enter %s: %+v, want members", userID, m)
	}
}

// keepPinging pings every interval from another goroutine until the
// returned stop is called or a write fails.
func (r *raw) keepPinging(every time.Duration) (stop func()) {
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			select {
			case <-done:
				return
			case <-tk.C:
				if r.ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping"}`)) != nil {
					return
				}
			}
		}
	}()
	return func() { close(done); <-ended }
}

func dialStatus(t *testing.T, s *Server) (int, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	ws, resp, err := websocket.DefaultDialer.DialContext(ctx, s.SignalURL(), nil)
	if resp != nil {
		resp.Body.Close()
	}
	if err == nil {
		t.Cleanup(func() { ws.Close() })
		return http.StatusSwitchingProtocols, nil
	}
	if resp == nil {
		return 0, err
	}
	return resp.StatusCode, err
}

// A connection that never enters is closed at the enter deadline, even
// while it keeps pinging.
func TestEnterDeadline(t *testing.T) {
	s := startServer(t, Config{EnterTimeout: 300 * time.Millisecond})
	r := dialRaw(t, s)
	defer r.keepPinging(50 * time.Millisecond)()
	start := time.Now()
	ce := r.closeCode(5 * time.Second)
	if ce.Code != protocol.CloseEnterTimeout {
		t.Fatalf("close %d %q, want %d", ce.Code, ce.Text, protocol.CloseEnterTimeout)
	}
	if el := time.Since(start); el < 250*time.Millisecond {
		t.Fatalf("closed after %v, before the deadline", el)
	}
	// An entered connection is not subject to it.
	e := dialRaw(t, s)
	e.enter("entered", 7)
	time.Sleep(500 * time.Millisecond)
	e.send(`{"type":"ping","id":3}`)
	if m, _, ok := e.recv(); !ok || m.Type != protocol.TypePong {
		t.Fatalf("entered connection: %+v", m)
	}
}

// Connections that have not entered are capped per address, all
// connections in total; refusals happen before the upgrade.
func TestConnectionCaps(t *testing.T) {
	s := startServer(t, Config{MaxPendingPerAddr: 2, MaxConns: 3})
	a := dialRaw(t, s)
	dialRaw(t, s)
	if code, _ := dialStatus(t, s); code != http.StatusTooManyRequests {
		t.Fatalf("third pending connection: HTTP %d, want 429", code)
	}
	a.enter("capped", 8) // no longer pending
	if code, err := dialStatus(t, s); code != http.StatusSwitchingProtocols {
		t.Fatalf("pending connection after an enter: HTTP %d %v", code, err)
	}
	if code, _ := dialStatus(t, s); code != http.StatusServiceUnavailable {
		t.Fatalf("fourth connection: HTTP %d, want 503", code)
	}
}

// A silent connection is closed with its own code and a reason.
func TestHeartbeatCloseCode(t *testing.T) {
	s := startServer(t, Config{Heartbeat: 100 * time.Millisecond})
	r := dialRaw(t, s)
	r.enter("silent", 9)
	ce := r.closeCode(5 * time.Second)
	if ce.Code != protocol.CloseHeartbeat || ce.Text == "" {
		t.Fatalf("close %d %q, want %d with a reason", ce.Code, ce.Text, protocol.CloseHeartbeat)
	}
}

// After its close frame the server waits for the client's before it closes
// the TCP connection.
func TestCloseHandshake(t *testing.T) {
	s := startServer(t, Config{})
	r := dialRaw(t, s)
	r.enter("leaver", 10)
	r.ws.SetCloseHandler(func(int, string) error { return nil }) // do not answer yet
	r.send(`{"type":"leave","id":2}`)
	if ce := r.closeCode(5 * time.Second); ce.Code != protocol.CloseNormal {
		t.Fatalf("close %d", ce.Code)
	}
	nc := r.ws.UnderlyingConn()
	_ = nc.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	var buf [64]byte
	_, err := nc.Read(buf[:])
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("the server closed TCP without waiting for our close frame: %v", err)
	}
	if err := r.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := nc.Read(buf[:]); !errors.Is(err, io.EOF) {
		t.Fatalf("after our close frame: %v, want EOF", err)
	}
}

// A burst over the flood limit gets the error event and a 1008 close frame,
// never a reset.
func TestFloodReachesClient(t *testing.T) {
	s := startServer(t, Config{})
	for round := 0; round < 3; round++ {
		r := dialRaw(t, s)
		for i := 0; i < 8*int(DefaultMessageRate); i++ {
			if err := r.ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping"}`)); err != nil {
				t.Fatalf("round %d: write %d: %v (the server reset the connection)", round, i, err)
			}
		}
		sawError := false
		_ = r.ws.SetReadDeadline(time.Now().Add(waitFor))
		for {
			_, b, err := r.ws.ReadMessage()
			if err != nil {
				var ce *websocket.CloseError
				if !errors.As(err, &ce) || ce.Code != protocol.ClosePolicy {
					t.Fatalf("round %d: %v, want close %d", round, err, protocol.ClosePolicy)
				}
				break
			}
			m, _ := protocol.Decode(b)
			if e, ok := m.Body.(*protocol.Error); ok && e.Code == codes.ErrServerInvalidCommand {
				sawError = true
			}
		}
		if !sawError {
			t.Fatalf("round %d: no -100005 error event before the close", round)
		}
	}
}

// The enter deadline bounds the client's time to send its enter, not the
// server's time to carry it out (here slowed by the admin delay fault).
func TestEnterDeadlineSparesSlowServer(t *testing.T) {
	s := startServer(t, Config{EnterTimeout: 300 * time.Millisecond})
	if code := admin(t, s, "POST", "/admin/faults/delay", s.AdminToken(), map[string]string{"duration": "800ms"}, nil); code != 200 {
		t.Fatalf("delay fault: %d", code)
	}
	r := dialRaw(t, s)
	r.enter("patient", 11)
}
