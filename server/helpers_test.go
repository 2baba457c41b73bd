package server

import (
	"context"
	"encoding/binary"
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
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/server/sfu"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/native"
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

// rtcpSpy counts keyframe requests a client receives.
type rtcpSpy struct {
	plis atomic.Int64
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
					if _, ok := p.(*rtcp.PictureLossIndication); ok {
						i.s.plis.Add(1)
					}
				}
			}
		}
		return n, a, err
	})
}

// clientAPI is a minimal pion client on loopback: the server's codecs,
// default interceptors, mDNS off, one socket per peer.
func clientAPI(t testing.TB, spy *rtcpSpy) *webrtc.API {
	t.Helper()
	m, err := sfu.NewMediaEngine()
	if err != nil {
		t.Fatal(err)
	}
	ir := &interceptor.Registry{}
	if spy != nil {
		ir.Add(spy)
	}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		t.Fatal(err)
	}
	se := webrtc.SettingEngine{}
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se))
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

// pump writes synthetic RTP to a local track at pps until stop; each
// packet carries its send time (ns) in the first 8 payload bytes.
type pump struct {
	stop chan struct{}
	wg   sync.WaitGroup
	sent atomic.Int64
}

func startPump(t testing.TB, tr *webrtc.TrackLocalStaticRTP, pps int, size int) *pump {
	t.Helper()
	p := &pump{stop: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(time.Second / time.Duration(pps))
		defer tick.Stop()
		payload := make([]byte, size)
		var seq uint16
		var ts uint32
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
				binary.BigEndian.PutUint64(payload, uint64(time.Now().UnixNano()))
				seq++
				ts += 3000
				pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, Marker: true}, Payload: payload}
				if err := tr.WriteRTP(pkt); err == nil {
					p.sent.Add(1)
				}
			}
		}
	}()
	t.Cleanup(p.close)
	return p
}

func (p *pump) close() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.wg.Wait()
}

// writer writes tagged RTP packets to a local track: payload[0] = tag.
type writer struct {
	t    testing.TB
	tr   *webrtc.TrackLocalStaticRTP
	seq  uint16
	ts   uint32
	mark uint32 // written to payload[1:5] (the room, in the isolation test)
}

func (w *writer) write(tag byte, n int) {
	w.t.Helper()
	payload := make([]byte, 200)
	payload[0] = tag
	binary.BigEndian.PutUint32(payload[1:5], w.mark)
	for i := 0; i < n; i++ {
		w.seq++
		w.ts += 960
		if err := w.tr.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: w.seq, Timestamp: w.ts}, Payload: payload}); err != nil {
			w.t.Fatalf("write rtp: %v", err)
		}
	}
}

// reader reads RTP packets of one remote track in a goroutine.
type reader struct {
	pkts chan *rtp.Packet
	done chan struct{}
}

func readTrack(t testing.TB, tr *webrtc.TrackRemote) *reader {
	r := &reader{pkts: make(chan *rtp.Packet, 4096), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			p, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			select {
			case r.pkts <- p:
			default:
			}
		}
	}()
	return r
}

// next returns the next packet or fails after waitFor.
func (r *reader) next(t testing.TB) *rtp.Packet {
	t.Helper()
	select {
	case p := <-r.pkts:
		return p
	case <-time.After(waitFor):
		t.Fatal("no RTP packet")
		return nil
	}
}

// ended waits until the track's reads end.
func (r *reader) ended(t testing.TB) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(waitFor):
		t.Fatal("remote track did not end")
	}
}

// expectTagged reads n packets and checks they carry tag, skipping the
// primer packets (tag 0) still in flight.
func (r *reader) expectTagged(t testing.TB, tag byte, n int) *rtp.Packet {
	t.Helper()
	var p *rtp.Packet
	for i := 0; i < n; i++ {
		p = r.next(t)
		for len(p.Payload) > 0 && p.Payload[0] == 0 && tag != 0 {
			p = r.next(t)
		}
		if len(p.Payload) == 0 || p.Payload[0] != tag {
			t.Fatalf("packet %d: tag %v, want %d", i, p.Payload[:min(1, len(p.Payload))], tag)
		}
	}
	return p
}

// awaitTrack writes primer packets (tag 0) every 20 ms until sub has the
// remote track of user/kind, then starts reading it.
func awaitTrack(t testing.TB, w *writer, sub *client, user, kind string) (signaling.RemoteTrack, *reader) {
	t.Helper()
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				w.write(0, 1)
			}
		}
	}()
	rt := sub.track(user, kind)
	close(stop)
	<-done
	return rt, readTrack(t, rt.Track)
}

func nativeDriverURL(url string) *native.Driver {
	return native.New(url, native.WithLogger(quietLogger()))
}

func nativeDriver(s *Server) *native.Driver { return nativeDriverURL(s.SignalURL()) }
