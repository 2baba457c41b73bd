package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/server/sfu"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signature"
)

const waitFor = 20 * time.Second // generous: the test machine is shared

// quietLogger discards logs unless ROOMBOT_TEST_LOG is set.
func quietLogger() *slog.Logger {
	if os.Getenv("ROOMBOT_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// startServer starts an in-process server on loopback ephemeral ports.
func startServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	s, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	return s
}

func devSigner(t testing.TB) *signature.Signer {
	t.Helper()
	sg, err := signature.NewSigner(DefaultSDKAppID, DevSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

func userSig(t testing.TB, userID string) string {
	t.Helper()
	sig, err := devSigner(t).UserSig(userID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// rtcpSpy counts keyframe requests and NACKed sequence numbers a client
// receives.
type rtcpSpy struct {
	plis  atomic.Int64
	mu    sync.Mutex
	nacks map[uint16]int
}

func (s *rtcpSpy) nacked(seq uint16) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nacks[seq]
}

func (s *rtcpSpy) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &spyInterceptor{s: s}, nil
}

type spyInterceptor struct {
	interceptor.NoOp
	s *rtcpSpy
}

func (i *spyInterceptor) BindRTCPReader(r interceptor.RTCPReader) interceptor.RTCPReader {
	return interceptor.RTCPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, a, err := r.Read(b, a)
		if err == nil {
			if pkts, err := rtcp.Unmarshal(b[:n]); err == nil {
				for _, p := range pkts {
					switch p := p.(type) {
					case *rtcp.PictureLossIndication:
						i.s.plis.Add(1)
					case *rtcp.TransportLayerNack:
						i.s.mu.Lock()
						if i.s.nacks == nil {
							i.s.nacks = map[uint16]int{}
						}
						for _, pair := range p.Nacks {
							for _, seq := range pair.PacketList() {
								i.s.nacks[seq]++
							}
						}
						i.s.mu.Unlock()
					}
				}
			}
		}
		return n, a, err
	})
}

// clientAPI is a minimal pion client on loopback: the server's codecs,
// default interceptors, mDNS off, one socket per peer.
func clientAPI(t testing.TB, spy *rtcpSpy, first ...interceptor.Factory) *webrtc.API {
	t.Helper()
	m, err := sfu.NewMediaEngine()
	if err != nil {
		t.Fatal(err)
	}
	ir := &interceptor.Registry{}
	for _, f := range first {
		ir.Add(f)
	}
	if spy != nil {
		ir.Add(spy)
	}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		t.Fatal(err)
	}
	se := loopbackSettings()
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	// Let retransmitted duplicates through so that tests can see them.
	se.DisableSRTPReplayProtection(true)
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se))
}

// loopbackSettings is a client's pion settings on loopback: UDP4 only,
// mDNS off, loopback candidates on.
func loopbackSettings() webrtc.SettingEngine {
	se := webrtc.SettingEngine{}
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(true)
	return se
}

// client is one test participant joined through the native driver.
type client struct {
	t      testing.TB
	userID string
	sess   signaling.Session
	events chan signaling.Event
	tracks chan signaling.RemoteTrack
	stash  []signaling.RemoteTrack // tracks received but not yet asked for
	audio  *webrtc.TrackLocalStaticRTP
	video  *webrtc.TrackLocalStaticRTP
	spy    *rtcpSpy
}

type joinOpts struct {
	room      uint32
	strRoom   string
	audio     bool
	video     bool
	im        bool
	role      signaling.Role
	recvMode  signaling.RecvMode
	pmk       string
	sig       string
	app       uint32
	videoCode string // mime, default VP8
}

func join(t testing.TB, s *Server, userID string, o joinOpts) (*client, error) {
	t.Helper()
	return joinURL(t, s.SignalURL(), userID, o)
}

func mustJoinURL(t testing.TB, url, userID string, o joinOpts) *client {
	t.Helper()
	c, err := joinURL(t, url, userID, o)
	if err != nil {
		t.Fatalf("join %s: %v", userID, err)
	}
	return c
}

func joinURL(t testing.TB, url, userID string, o joinOpts) (*client, error) {
	t.Helper()
	c := &client{t: t, userID: userID, events: make(chan signaling.Event, 4096), tracks: make(chan signaling.RemoteTrack, 64), spy: &rtcpSpy{}}
	api := clientAPI(t, c.spy)
	p := signaling.JoinParams{
		SDKAppID: DefaultSDKAppID, UserID: userID, UserSig: o.sig, RoomID: o.room, StrRoomID: o.strRoom,
		PrivateMapKey: o.pmk, Role: o.role, RecvMode: o.recvMode, IM: o.im,
		NewPeerConnection: api.NewPeerConnection,
	}
	if o.app != 0 {
		p.SDKAppID = o.app
	}
	if p.UserSig == "" {
		p.UserSig = userSig(t, userID)
	}
	if o.audio {
		tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", userID)
		if err != nil {
			t.Fatal(err)
		}
		c.audio = tr
		p.Tracks = append(p.Tracks, tr)
	}
	if o.video {
		mime := o.videoCode
		if mime == "" {
			mime = webrtc.MimeTypeVP8
		}
		tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: mime, ClockRate: 90000}, "video", userID)
		if err != nil {
			t.Fatal(err)
		}
		c.video = tr
		p.Tracks = append(p.Tracks, tr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	sess, err := nativeDriverURL(url).Join(ctx, p, func(e signaling.Event) {
		if os.Getenv("ROOMBOT_TEST_LOG") != "" {
			t.Logf("%s event %T %+v", userID, e, e)
		}
		if rt, ok := e.(signaling.RemoteTrack); ok {
			c.tracks <- rt
		}
		select {
		case c.events <- e:
		default:
			t.Errorf("%s: event buffer full", userID)
		}
	})
	if err != nil {
		return nil, err
	}
	c.sess = sess
	t.Cleanup(func() { _ = sess.Leave(context.Background()) })
	return c, nil
}

func mustJoin(t testing.TB, s *Server, userID string, o joinOpts) *client {
	t.Helper()
	c, err := join(t, s, userID, o)
	if err != nil {
		t.Fatalf("join %s: %v", userID, err)
	}
	return c
}

// next waits for the first event for which match returns true.
func (c *client) next(what string, match func(signaling.Event) bool) signaling.Event {
	c.t.Helper()
	timer := time.NewTimer(waitFor)
	defer timer.Stop()
	for {
		select {
		case e := <-c.events:
			if match(e) {
				return e
			}
		case <-timer.C:
			c.t.Fatalf("%s: timed out waiting for %s", c.userID, what)
			return nil
		}
	}
}

// track waits for the remote track of user/kind; other tracks that arrive
// meanwhile are kept for later calls.
func (c *client) track(user, kind string) signaling.RemoteTrack {
	c.t.Helper()
	for i, rt := range c.stash {
		if rt.UserID == user && rt.Kind == kind {
			c.stash = append(c.stash[:i], c.stash[i+1:]...)
			return rt
		}
	}
	timer := time.NewTimer(waitFor)
	defer timer.Stop()
	for {
		select {
		case rt := <-c.tracks:
			if rt.UserID == user && rt.Kind == kind {
				return rt
			}
			c.stash = append(c.stash, rt)
		case <-timer.C:
			c.t.Fatalf("%s: no %s track from %s", c.userID, kind, user)
			return signaling.RemoteTrack{}
		}
	}
}

func (c *client) do(r signaling.Request) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	return c.sess.Do(ctx, r)
}
