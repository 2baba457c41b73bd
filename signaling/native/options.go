package native

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// Defaults.
const (
	// DefaultHeartbeat is the ping interval used until the server announces its own.
	DefaultHeartbeat = 5 * time.Second
	// DefaultLeaveTimeout bounds the wait for the server's leave reply.
	DefaultLeaveTimeout = 2 * time.Second
)

// Option configures a Driver.
type Option func(*Driver)

// WithDialer sets the WebSocket dialer (proxy, TLS, timeouts).
func WithDialer(d *websocket.Dialer) Option { return func(dr *Driver) { dr.dialer = d } }

// WithHeader adds HTTP headers to the WebSocket handshake.
func WithHeader(h http.Header) Option { return func(dr *Driver) { dr.header = h.Clone() } }

// WithLogger sets the logger (slog.Default when not set).
func WithLogger(l *slog.Logger) Option { return func(dr *Driver) { dr.log = l } }

// WithHeartbeat sets the initial ping interval (DefaultHeartbeat); the
// server's announced interval replaces it after entering.
func WithHeartbeat(d time.Duration) Option { return func(dr *Driver) { dr.heartbeat = d } }
