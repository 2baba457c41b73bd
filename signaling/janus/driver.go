package janus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
)

// Plugin package names.
const (
	pluginVideoRoom = "janus.plugin.videoroom"
	pluginTextRoom  = "janus.plugin.textroom"
)

// Driver joins rooms on a Janus server (VideoRoom + TextRoom). It is safe
// for concurrent use; each Join is an independent Janus session.
type Driver struct {
	url       string
	dialer    *websocket.Dialer
	header    http.Header
	log       *slog.Logger
	keepalive time.Duration

	create   bool
	adminKey string
	room     Room
	pin      string
	token    string

	retries    int
	retryDelay time.Duration
	// takeoverGrace: see DefaultTakeoverGrace.
	takeoverGrace time.Duration
	// beforePublish, when set (tests), runs between entering and
	// publishing, to hold a publisher in the "joined, not yet publishing"
	// state in which subscribers get 428.
	beforePublish func()
}

var _ signaling.Driver = (*Driver)(nil)

// New returns a driver for the Janus WebSocket URL (ws://host:8188). By
// default it creates missing rooms (WithCreateRooms("", Room{})).
func New(url string, opts ...Option) (*Driver, error) {
	d := &Driver{url: url, dialer: websocket.DefaultDialer, log: slog.New(slog.DiscardHandler),
		keepalive: DefaultKeepalive, create: true, retries: DefaultSubscribeRetries, retryDelay: DefaultSubscribeRetryDelay,
		takeoverGrace: DefaultTakeoverGrace}
	for _, o := range opts {
		if err := o(d); err != nil {
			return nil, err
		}
	}
	if d.room.Publishers == 0 {
		d.room.Publishers = DefaultMaxPublishers
	}
	return d, nil
}

// RoomID is the Janus room of a TRTC room: the numeric roomID, or a
// strRoomID made only of digits. Other strRoomIDs need Janus's string_ids
// mode, which this driver does not speak: ErrUnsupported.
func RoomID(roomID uint32, strRoomID string) (uint64, error) {
	if strRoomID == "" {
		if roomID == 0 {
			return 0, errors.New("janus: no room ID")
		}
		return uint64(roomID), nil
	}
	n, err := strconv.ParseUint(strRoomID, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("janus: strRoomID %q: non-numeric room IDs (Janus string_ids): %w", strRoomID, ErrUnsupported)
	}
	return n, nil
}

// Join connects, enters the VideoRoom as a participant, publishes
// p.Tracks, joins the TextRoom when p.IM is set, and returns once all of
// that is done. A refusal returns a *signaling.Error with the TRTC code
// and Janus's code and reason in the message; nothing is left running.
func (d *Driver) Join(ctx context.Context, p signaling.JoinParams, h signaling.Handler) (signaling.Session, error) {
	if p.NewPeerConnection == nil {
		return nil, errors.New("janus: JoinParams.NewPeerConnection is nil")
	}
	room, err := RoomID(p.RoomID, p.StrRoomID)
	if err != nil {
		return nil, &signaling.Error{Code: codes.ErrRoomIDInvalid, Message: err.Error()}
	}
	if h == nil {
		h = func(signaling.Event) {}
	}
	s := newSession(d, p, h, room)
	c, err := dial(ctx, d.dialer, d.url, d.header, d.log, s.onSessionEvent)
	if err != nil {
		return nil, err
	}
	s.c = c
	if err := s.enter(ctx); err != nil {
		s.shutdown(context.WithoutCancel(ctx))
		var se *signaling.Error
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, &signaling.Error{Code: codes.ErrRoomEnterFail, Message: err.Error()}
	}
	return s, nil
}

// Unsupported implements signaling.Limited: what this driver cannot do on
// Janus, and why. Privileges are supported for the enter bit only
// (Room.EnterACL); Janus has no per-participant publish or subscribe
// permission, which the janus target kind refuses by bit.
func (d *Driver) Unsupported(f signaling.Feature) string {
	switch f {
	case signaling.FeatureStrRoom:
		return "Janus VideoRoom room IDs are numbers (the string_ids mode is not spoken); use numeric rooms"
	case signaling.FeatureSimulcast:
		return "the driver publishes one layer per track"
	}
	return ""
}

var _ signaling.Limited = (*Driver)(nil)
