package livekit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"

	"github.com/roombot/roombot/signaling"
)

// ProtocolVersion is the LiveKit signal protocol the driver speaks
// (livekit-server v1.9's current one).
const ProtocolVersion = 16

// DefaultLeaveTimeout bounds the goodbye to the server.
const DefaultLeaveTimeout = 2 * time.Second

// Driver joins rooms on a livekit-server. It is safe for concurrent use;
// each Join is an independent session.
type Driver struct {
	url                 string // ws(s)://host:port, without /rtc
	key, secret         string
	token               string
	tokenURL, tokenAuth string
	ttl                 time.Duration
	log                 *slog.Logger
	dialer              *websocket.Dialer
	http                *http.Client
}

var (
	_ signaling.Driver  = (*Driver)(nil)
	_ signaling.Limited = (*Driver)(nil)
)

// Option configures a Driver.
type Option func(*Driver)

// WithAPIKey mints every participant's token from an API key and secret
// (LIVEKIT_API_KEY / LIVEKIT_API_SECRET); grants come from the privilege
// bits (Grants). The secret never leaves the process.
func WithAPIKey(key, secret string) Option { return func(d *Driver) { d.key, d.secret = key, secret } }

// WithToken uses one supplied access token as is (its identity and room
// are the token's; for `roombot join`).
func WithToken(token string) Option { return func(d *Driver) { d.token = token } }

// WithTokenURL fetches each participant's token from a token endpoint,
// sending bearer (if not empty) as its Authorization.
func WithTokenURL(u, bearer string) Option {
	return func(d *Driver) { d.tokenURL, d.tokenAuth = u, bearer }
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(d *Driver) { d.log = l } }

// New returns a driver for the server at serverURL (ws://host:port or
// http://host:port; the /rtc path is added).
func New(serverURL string, opts ...Option) *Driver {
	d := &Driver{url: strings.TrimRight(serverURL, "/"), ttl: DefaultTokenTTL, log: slog.Default(),
		dialer: websocket.DefaultDialer, http: &http.Client{Timeout: 10 * time.Second}}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Unsupported implements signaling.Limited: every room feature of the
// component maps to LiveKit (docs/targets.md), simulcast included.
func (d *Driver) Unsupported(signaling.Feature) string { return "" }

// RoomName is the LiveKit room of a TRTC room: the string ID as is, a
// numeric one in decimal.
func RoomName(id uint32, str string) string {
	if str != "" {
		return str
	}
	return strconv.FormatUint(uint64(id), 10)
}

// Join connects, enters the room and returns at the server's
// JoinResponse. A refusal (bad token, no roomJoin grant) is a
// *signaling.Error with a TRTC code and LiveKit's reason; nothing is left
// running.
func (d *Driver) Join(ctx context.Context, p signaling.JoinParams, h signaling.Handler) (signaling.Session, error) {
	if p.NewPeerConnection == nil {
		return nil, errors.New("livekit: JoinParams.NewPeerConnection is nil")
	}
	if h == nil {
		h = func(signaling.Event) {}
	}
	room := RoomName(p.RoomID, p.StrRoomID)
	token, err := d.tokenFor(ctx, p, room)
	if err != nil {
		return nil, err
	}
	u, err := d.rtcURL(p)
	if err != nil {
		return nil, err
	}
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	ws, resp, err := d.dialer.DialContext(ctx, u, hdr)
	if err != nil {
		return nil, refusal(resp, err, token)
	}
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	ws.SetReadLimit(4 << 20)
	s := newSession(d, ws, p, room, h)
	if err := s.start(ctx); err != nil {
		s.shutdown()
		return nil, err
	}
	return s, nil
}

// tokenFor returns the participant's access token.
func (d *Driver) tokenFor(ctx context.Context, p signaling.JoinParams, room string) (string, error) {
	switch {
	case d.token != "":
		return d.token, nil
	case d.tokenURL != "":
		return fetchToken(ctx, d.http, d.tokenURL, d.tokenAuth, room, p.UserID)
	case d.key != "" && d.secret != "":
		return Mint(d.key, d.secret, p.UserID, Grants(p.Privileges, room, p.IM), d.ttl)
	}
	return "", errors.New("livekit: no credentials: give an API key and secret, a token or a token URL")
}

// rtcURL is the signal endpoint with the connection's parameters.
// Auto-subscribe is on for recvmode all (the server subscribes as it
// joins: the first frame does not wait for a second negotiation), off
// otherwise (the driver subscribes to what recvmode and blocks want).
func (d *Driver) rtcURL(p signaling.JoinParams) (string, error) {
	u, err := url.Parse(d.url)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("livekit: bad server URL %q", d.url)
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	case "ws", "wss":
	default:
		return "", fmt.Errorf("livekit: bad server URL scheme %q", u.Scheme)
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/rtc"
	q := url.Values{"protocol": {strconv.Itoa(ProtocolVersion)}, "sdk": {"roombot"}, "version": {"roombot"},
		"auto_subscribe": {autoSubscribe(p)}, "adaptive_stream": {"0"}}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func autoSubscribe(p signaling.JoinParams) string {
	if p.RecvMode == signaling.RecvAll || p.RecvMode == 0 {
		return "1"
	}
	return "0"
}

// newPC makes one of the session's PeerConnections with the server's ICE
// servers.
func newPC(p signaling.JoinParams, ice []webrtc.ICEServer) (*webrtc.PeerConnection, error) {
	return p.NewPeerConnection(webrtc.Configuration{ICEServers: ice, BundlePolicy: webrtc.BundlePolicyMaxBundle,
		RTCPMuxPolicy: webrtc.RTCPMuxPolicyRequire})
}
