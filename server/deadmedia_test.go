package server

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/interceptor"
	"github.com/pion/logging"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/protocol"
	"github.com/roombot/roombot/server/sfu"
	"github.com/roombot/roombot/signaling"
)

// userLeftWithin waits for c to hear that user left, failing after limit.
func userLeftWithin(t *testing.T, c *client, user string, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := time.After(limit)
	for {
		select {
		case e := <-c.events:
			if u, ok := e.(signaling.UserLeft); ok && u.UserID == user {
				return time.Since(start)
			}
		case <-deadline:
			t.Fatalf("%s: no userLeft for %s within %v", c.userID, user, limit)
			return 0
		}
	}
}

// joinPublisher joins userID with an audio track through the native driver
// on a client whose ICE runs over udp (so that a test can cut it), and
// waits until its media is connected.
func joinPublisher(t *testing.T, s *Server, userID string, room uint32, udp net.PacketConn) (*webrtc.PeerConnection, chan signaling.Event) {
	t.Helper()
	m, err := sfu.NewMediaEngine()
	if err != nil {
		t.Fatal(err)
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		t.Fatal(err)
	}
	se := loopbackSettings()
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelDisabled // the test cuts the socket: its read errors are expected
	mux := webrtc.NewICEUDPMux(lf.NewLogger("udpmux"), udp)
	t.Cleanup(func() { _ = mux.Close() })
	se.SetICEUDPMux(mux)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se))
	pcs := make(chan *webrtc.PeerConnection, 1)
	events := make(chan signaling.Event, 256)
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	audio, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", userID)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := nativeDriverURL(s.SignalURL()).Join(ctx, signaling.JoinParams{
		SDKAppID: DefaultSDKAppID, UserID: userID, UserSig: userSig(t, userID), RoomID: room,
		Tracks: []webrtc.TrackLocal{audio},
		NewPeerConnection: func(c webrtc.Configuration) (*webrtc.PeerConnection, error) {
			pc, err := api.NewPeerConnection(c)
			if err == nil {
				pcs <- pc
			}
			return pc, err
		},
	}, func(e signaling.Event) { events <- e })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sess.Leave(context.Background()) })
	pc := <-pcs
	connected := make(chan struct{})
	var once sync.Once
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateConnected {
			once.Do(func() { close(connected) })
		}
	})
	if pc.ConnectionState() != webrtc.PeerConnectionStateConnected {
		select {
		case <-connected:
		case <-time.After(waitFor):
			t.Fatal("media never connected")
		}
	}
	return pc, events
}

// closedWith waits for the Disconnected event and checks its close code.
func closedWith(t *testing.T, events chan signaling.Event, code int) {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		select {
		case e := <-events:
			d, ok := e.(signaling.Disconnected)
			if !ok {
				continue
			}
			var ce *websocket.CloseError
			if !errors.As(d.Err, &ce) || ce.Code != code {
				t.Fatalf("disconnected with %v, want close %d", d.Err, code)
			}
			return
		case <-deadline:
			t.Fatal("the session was not closed")
		}
	}
}

// A client whose media connection dies while its WebSocket (and heartbeat)
// go on is closed with 4001, and the others hear userLeft: at once when it
// closes its PeerConnection (DTLS close_notify), within MediaTimeout when
// its media just goes silent (a crash, a lost network path).
func TestDeadMediaDetected(t *testing.T) {
	t.Parallel()
	const timeout = 2 * time.Second
	s := startServer(t, Config{MediaTimeout: timeout})
	listen := func() net.PacketConn {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Run("pc.close", func(t *testing.T) {
		watcher := mustJoin(t, s, "watcher1", joinOpts{room: 40})
		pc, events := joinPublisher(t, s, "closer", 40, listen())
		if err := pc.Close(); err != nil {
			t.Fatal(err)
		}
		took := userLeftWithin(t, watcher, "closer", timeout)
		t.Logf("userLeft %v after the PeerConnection closed", took)
		closedWith(t, events, protocol.CloseMediaFailed)
	})
	t.Run("silence", func(t *testing.T) {
		watcher := mustJoin(t, s, "watcher2", joinOpts{room: 41})
		udp := listen()
		_, events := joinPublisher(t, s, "vanisher", 41, udp)
		_ = udp.Close() // nothing more leaves the client; its PeerConnection stays open
		// MediaTimeout from the last packet received; allow for a loaded
		// machine on top.
		took := userLeftWithin(t, watcher, "vanisher", timeout+3*time.Second)
		t.Logf("userLeft %v after the media went silent (MediaTimeout %v)", took, timeout)
		if took < timeout/2 {
			t.Fatalf("userLeft after %v: before the media was silent for long", took)
		}
		closedWith(t, events, protocol.CloseMediaFailed)
	})
}

// An offer left unanswered closes the connection with 4004; the others hear
// userLeft.
func TestAnswerTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 500 * time.Millisecond
	s := startServer(t, Config{AnswerTimeout: timeout})
	watcher := mustJoin(t, s, "watcher", joinOpts{room: 42})
	r := dialRaw(t, s)
	e, _ := json.Marshal(protocol.Enter{SDKAppID: DefaultSDKAppID, UserID: "mute", UserSig: userSig(t, "mute"), RoomID: 42, PublishAudio: true})
	r.send(`{"type":"enter","id":1,"data":` + string(e) + `}`)
	start := time.Now()
	defer r.keepPinging(100 * time.Millisecond)() // keep the heartbeat going: only the answer is missing
	if ce := r.closeCode(5 * time.Second); ce.Code != protocol.CloseAnswerTimeout {
		t.Fatalf("close %d %q, want %d", ce.Code, ce.Text, protocol.CloseAnswerTimeout)
	}
	if el := time.Since(start); el < timeout {
		t.Fatalf("closed after %v, before the answer timeout", el)
	}
	userLeftWithin(t, watcher, "mute", waitFor)
}
