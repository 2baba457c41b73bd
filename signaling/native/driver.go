package native

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/protocol"
	"github.com/roombot/roombot/signaling"
)

// Driver joins rooms on a reference room service. It is safe for
// concurrent use; each Join is an independent session.
type Driver struct {
	url       string
	dialer    *websocket.Dialer
	header    http.Header
	log       *slog.Logger
	heartbeat time.Duration
}

var _ signaling.Driver = (*Driver)(nil)

// New returns a driver for the signaling URL (ws://host:port/ws).
func New(signalURL string, opts ...Option) *Driver {
	d := &Driver{url: signalURL, dialer: websocket.DefaultDialer, log: slog.Default(), heartbeat: DefaultHeartbeat}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Join connects, enters the room and returns once the server confirmed the
// enter (1018). A refusal returns a *signaling.Error carrying the cause's
// code (for example -100018 for a bad userSig); nothing is left running.
func (d *Driver) Join(ctx context.Context, p signaling.JoinParams, h signaling.Handler) (signaling.Session, error) {
	if p.NewPeerConnection == nil {
		return nil, errors.New("native: JoinParams.NewPeerConnection is nil")
	}
	if len(p.VideoLayers) > 0 {
		return nil, errors.New("native: " + d.Unsupported(signaling.FeatureSimulcast) + " (simulcast layers given)")
	}
	if h == nil {
		h = func(signaling.Event) {}
	}
	dialer := d.dialer
	if p.Dial != nil {
		own := *d.dialer
		own.NetDialContext = p.Dial
		dialer = &own
	}
	ws, resp, err := dialer.DialContext(ctx, d.url, d.header)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("native: dial %s: %w", d.url, err)
	}
	ws.SetReadLimit(protocol.MaxFrameBytes)
	pc, err := p.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		_ = ws.Close()
		return nil, fmt.Errorf("native: new peer connection: %w", err)
	}
	s := newSession(d, ws, pc, p, h)
	s.start()
	if err := s.enter(ctx); err != nil {
		s.shutdown()
		return nil, err
	}
	return s, nil
}

// enterMsg builds the enter request from the join parameters.
func enterMsg(p signaling.JoinParams) *protocol.Enter {
	e := &protocol.Enter{
		SDKAppID: p.SDKAppID, UserID: p.UserID, UserSig: p.UserSig, RoomID: p.RoomID, StrRoomID: p.StrRoomID,
		PrivateMapKey: p.PrivateMapKey, Role: string(p.Role), RecvMode: int(p.RecvMode), IM: p.IM,
		AudioMuted: p.AudioMuted, VideoOff: p.VideoOff,
	}
	for _, t := range p.Tracks {
		switch t.Kind() {
		case webrtc.RTPCodecTypeAudio:
			e.PublishAudio = true
		case webrtc.RTPCodecTypeVideo:
			e.PublishVideo = true
		}
	}
	return e
}

// Unsupported implements signaling.Limited: the reference service forwards
// one layer per track, so simulcast is the only feature it lacks.
func (d *Driver) Unsupported(f signaling.Feature) string {
	if f == signaling.FeatureSimulcast {
		return "the reference service forwards a single layer per track"
	}
	return ""
}
