package native_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/server/sfu"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/native"
	"github.com/roombot/roombot/signature"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func startServer(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.Start(context.Background(), server.Config{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func newPC(t *testing.T) func(webrtc.Configuration) (*webrtc.PeerConnection, error) {
	t.Helper()
	m, err := sfu.NewMediaEngine()
	if err != nil {
		t.Fatal(err)
	}
	se := webrtc.SettingEngine{}
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)).NewPeerConnection
}

func params(t *testing.T, user string, room uint32) signaling.JoinParams {
	t.Helper()
	sg, err := signature.NewSigner(server.DefaultSDKAppID, server.DevSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := sg.UserSig(user, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return signaling.JoinParams{SDKAppID: server.DefaultSDKAppID, UserID: user, UserSig: sig, RoomID: room,
		Role: signaling.RoleAnchor, RecvMode: signaling.RecvAll, IM: true, NewPeerConnection: newPC(t)}
}

func TestJoinRefused(t *testing.T) {
	s := startServer(t)
	p := params(t, "alice", 1)
	p.UserSig = "garbage"
	_, err := native.New(s.SignalURL(), native.WithLogger(quiet())).Join(t.Context(), p, nil)
	var se *signaling.Error
	if !errors.As(err, &se) || se.Code != codes.ErrServerUserSigCheck {
		t.Fatalf("err %v, want code %d", err, codes.ErrServerUserSigCheck)
	}
	p.NewPeerConnection = nil
	if _, err := native.New(s.SignalURL()).Join(t.Context(), p, nil); err == nil {
		t.Fatal("join without NewPeerConnection succeeded")
	}
	if _, err := native.New("ws://127.0.0.1:1/ws").Join(t.Context(), params(t, "a", 1), nil); err == nil {
		t.Fatal("join to a closed port succeeded")
	}
}

func TestSessionLifecycle(t *testing.T) {
	s := startServer(t)
	d := native.New(s.SignalURL(), native.WithLogger(quiet()), native.WithHeartbeat(time.Second))
	events := make(chan signaling.Event, 100)
	var sess signaling.Session
	ready := make(chan struct{})
	handler := func(e signaling.Event) {
		// A Handler may call Do: the reader never waits for the Handler.
		if m, ok := e.(signaling.Message); ok && m.Text == "ping me" {
			<-ready
			_ = sess.Do(context.Background(), signaling.SendMessage{Message: signaling.Message{Text: "pong from handler"}})
		}
		events <- e
	}
	var err error
	sess, err = d.Join(t.Context(), params(t, "alice", 5), handler)
	if err != nil {
		t.Fatal(err)
	}
	close(ready)
	if e := <-events; len(e.(signaling.Members).List) != 0 {
		t.Fatalf("first event %+v", e)
	}
	bob, err := d.Join(t.Context(), params(t, "bob", 5), func(signaling.Event) {})
	if err != nil {
		t.Fatal(err)
	}
	if e := <-events; e.(signaling.UserEntered).Member.UserID != "bob" {
		t.Fatalf("event %+v", e)
	}
	// Bob's message makes alice's handler send one back.
	if err := bob.Do(t.Context(), signaling.SendMessage{Message: signaling.Message{Text: "ping me"}}); err != nil {
		t.Fatal(err)
	}
	if e := <-events; e.(signaling.Message).From != "bob" {
		t.Fatalf("event %+v", e)
	}
	if err := sess.Do(t.Context(), signaling.SetRecvMode{Mode: 7}); signaling.CodeOf(err) != codes.ErrServerInvalidCommand {
		t.Fatalf("bad recvmode: %v", err)
	}
	if err := bob.Leave(t.Context()); err != nil {
		t.Fatal(err)
	}
	if e := <-events; e.(signaling.UserLeft).UserID != "bob" {
		t.Fatalf("event %+v", e)
	}
	if err := sess.Leave(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := sess.Leave(t.Context()); err != nil {
		t.Fatalf("second leave: %v", err)
	}
	if err := sess.Do(t.Context(), signaling.SetLocalMedia{}); !errors.Is(err, signaling.ErrClosed) {
		t.Fatalf("do after leave: %v", err)
	}
	select {
	case e := <-events:
		t.Fatalf("event after leave: %+v", e)
	default:
	}
}

func TestDisconnectedOnServerClose(t *testing.T) {
	s, err := server.Start(context.Background(), server.Config{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan signaling.Event, 10)
	sess, err := native.New(s.SignalURL(), native.WithLogger(quiet())).Join(t.Context(), params(t, "alice", 5), func(e signaling.Event) { events <- e })
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	for e := range events {
		if _, ok := e.(signaling.Disconnected); ok {
			break
		}
	}
	if err := sess.Do(t.Context(), signaling.SetLocalMedia{}); !errors.Is(err, signaling.ErrClosed) {
		t.Fatalf("do after disconnect: %v", err)
	}
	_ = sess.Leave(t.Context())
}
