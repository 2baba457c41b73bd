package janus

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// Defaults.
const (
	// DefaultKeepalive is the keepalive period. Janus drops a session
	// after its session_timeout (60 s by default) without one; and a
	// session Janus ended (Admin API destroy_session) is noticed only by
	// the next request, so the period bounds that too (the reference
	// service's heartbeat is 5 s as well).
	DefaultKeepalive = 5 * time.Second
	// DefaultLeaveTimeout bounds the goodbye (leave, detach, destroy).
	DefaultLeaveTimeout = 2 * time.Second
	// DefaultSubscribeRetries and DefaultSubscribeRetryDelay bound the
	// retries of a subscription Janus answers with 428 "No such feed"
	// (a publisher announced but not ready yet): the delay doubles from
	// DefaultSubscribeRetryDelay up to one second, about 10 s in all.
	DefaultSubscribeRetries    = 14
	DefaultSubscribeRetryDelay = 50 * time.Millisecond
	// DefaultMaxPublishers is the publisher cap of rooms the driver creates.
	DefaultMaxPublishers = 1000
)

// Room is how the driver creates a VideoRoom (and its TextRoom) that does
// not exist yet, as TRTC creates a room on the first enter.
type Room struct {
	// Secret protects the room: kick, moderate and destroy need it.
	Secret string
	// Pin, when set, is required to join.
	Pin string
	// Allowed, when set, is the room's token ACL: only a join carrying one
	// of these tokens (WithToken) enters.
	Allowed []string
	// EnterACL maps the privateMapKey enter bit to Janus: the room admits
	// (allowed list) exactly the participants whose JoinParams.Privileges
	// include signature.PrivEnter; the driver gives those the room's enter
	// token, derived from Secret. Janus itself refuses the others (433).
	EnterACL bool
	// Publishers caps concurrent publishers (DefaultMaxPublishers when 0).
	Publishers int
}

// Option configures a Driver.
type Option func(*Driver) error

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(d *Driver) error {
		if l == nil {
			return errors.New("janus: WithLogger(nil)")
		}
		d.log = l
		return nil
	}
}

// WithDialer sets the WebSocket dialer (the subprotocol is always
// janus-protocol).
func WithDialer(w *websocket.Dialer) Option {
	return func(d *Driver) error {
		if w == nil {
			return errors.New("janus: WithDialer(nil)")
		}
		d.dialer = w
		return nil
	}
}

// WithHeader adds HTTP headers to the WebSocket handshake.
func WithHeader(h http.Header) Option {
	return func(d *Driver) error { d.header = h.Clone(); return nil }
}

// WithCreateRooms makes the driver create a missing room from r before
// joining (the default, with an empty Room). adminKey is the plugins'
// admin_key, required by Janus when configured.
func WithCreateRooms(adminKey string, r Room) Option {
	return func(d *Driver) error {
		if r.Publishers < 0 {
			return errors.New("janus: negative Room.Publishers")
		}
		d.create, d.adminKey, d.room = true, adminKey, r
		return nil
	}
}

// WithoutCreateRooms makes a missing room refuse the enter
// (codes.ErrCenterRoomNotExist, Janus 426).
func WithoutCreateRooms() Option {
	return func(d *Driver) error { d.create = false; return nil }
}

// WithPin sets the pin every join carries (rooms with a pin).
func WithPin(pin string) Option {
	return func(d *Driver) error { d.pin = pin; return nil }
}

// WithToken sets the token every join carries (rooms with an allowed
// list), instead of JoinParams.PrivateMapKey.
func WithToken(token string) Option {
	return func(d *Driver) error { d.token = token; return nil }
}

// WithKeepalive sets the keepalive period (DefaultKeepalive).
func WithKeepalive(p time.Duration) Option {
	return func(d *Driver) error {
		if p <= 0 {
			return errors.New("janus: keepalive period must be > 0")
		}
		d.keepalive = p
		return nil
	}
}

// WithTakeoverGrace sets how long a new session of a userID lets the
// earlier one leave by itself before kicking it (DefaultTakeoverGrace;
// the kick needs the room secret of WithCreateRooms).
func WithTakeoverGrace(g time.Duration) Option {
	return func(d *Driver) error {
		if g <= 0 {
			return errors.New("janus: takeover grace must be > 0")
		}
		d.takeoverGrace = g
		return nil
	}
}
