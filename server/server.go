package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/roombot/roombot/server/origin"
	"github.com/roombot/roombot/server/sfu"
)

// Server is a running reference room service. Its methods are safe for
// concurrent use.
type Server struct {
	cfg        Config
	log        *slog.Logger
	apps       map[uint32]*app
	sfu        *sfu.Engine
	ln         net.Listener
	http       *http.Server
	upgrader   websocket.Upgrader
	origins    *origin.Policy
	adminToken string
	metrics    *metrics
	faults     faults

	mu          sync.Mutex
	rooms       map[roomKey]*room
	users       map[uint32]map[string]map[*participant]struct{}
	conns       map[*conn]struct{}
	pending     map[string]int // remote IP → connections not entered yet
	c2cSeq      uint64
	closed      bool
	memberCount atomic.Int64
	upgrading   int // handshakes in progress, counted against MaxConns

	wg        sync.WaitGroup // connections and background closes
	stopCtx   func() bool
	closeOnce sync.Once
	closeErr  error
}

// Start starts the service: HTTP (signaling, signing, health, metrics,
// admin) on cfg.Listen and media on cfg.MediaAddr. Cancelling ctx closes the
// server as Close does.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, log: cfg.Logger, apps: map[uint32]*app{},
		rooms: map[roomKey]*room{}, users: map[uint32]map[string]map[*participant]struct{}{}, conns: map[*conn]struct{}{},
		pending: map[string]int{}, adminToken: cfg.AdminToken,
	}
	if s.origins, err = origin.New(cfg.AllowOrigins...); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	// Same-origin, the listed origins, and every non-browser client.
	s.upgrader = websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096, CheckOrigin: s.origins.Allows}
	for _, a := range cfg.Apps {
		ap, err := newApp(a, cfg.Now)
		if err != nil {
			return nil, err
		}
		s.apps[a.SDKAppID] = ap
	}
	if s.adminToken == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		s.adminToken = hex.EncodeToString(b[:])
	}
	s.metrics = newMetrics(s)
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("server: listen %s: %w", cfg.Listen, err)
	}
	eng, err := sfu.New(sfu.Config{UDPAddr: cfg.MediaAddr, PublicIPs: cfg.PublicIPs, Logger: cfg.Logger.With("part", "sfu"),
		MediaTimeout: cfg.MediaTimeout, AnswerTimeout: cfg.AnswerTimeout})
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	s.sfu, s.ln = eng, ln
	h, err := s.routes()
	if err != nil {
		_ = ln.Close()
		_ = eng.Close()
		return nil, err
	}
	s.http = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http serve", "err", err)
		}
	}()
	s.stopCtx = context.AfterFunc(ctx, func() { _ = s.Close() })
	s.log.Info("room service started", "http", s.URL(), "media", eng.UDPAddr().String(), "apps", len(s.apps))
	return s, nil
}

func (s *Server) routes() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", s.handleWS)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", s.metrics.handler())
	if err := s.signRoutes(mux); err != nil {
		return nil, err
	}
	s.adminRoutes(mux)
	if err := s.webRoutes(mux); err != nil {
		return nil, err
	}
	return mux, nil
}

// URL is the HTTP base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// SignalURL is the signaling WebSocket URL, e.g. ws://127.0.0.1:41234/ws.
func (s *Server) SignalURL() string { return "ws://" + s.ln.Addr().String() + "/ws" }

// AdminToken is the bearer token of the admin API.
func (s *Server) AdminToken() string { return s.adminToken }

// MediaAddr is the address of the shared ICE UDP socket.
func (s *Server) MediaAddr() net.Addr { return s.sfu.UDPAddr() }

// SFUStats exposes the forwarding counters (tests, benchmarks).
func (s *Server) SFUStats() *sfu.Stats { return s.sfu.Stats() }

func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	addr := remoteIP(r)
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		http.Error(w, "server closing", http.StatusServiceUnavailable)
		return
	case len(s.conns)+s.upgrading >= s.cfg.MaxConns:
		s.mu.Unlock()
		s.log.Warn("connection refused: too many connections", "remote", r.RemoteAddr, "limit", s.cfg.MaxConns)
		http.Error(w, "too many connections", http.StatusServiceUnavailable)
		return
	case s.pending[addr] >= s.cfg.MaxPendingPerAddr:
		s.mu.Unlock()
		s.log.Warn("connection refused: too many connections from one address that have not entered", "remote", r.RemoteAddr, "limit", s.cfg.MaxPendingPerAddr)
		http.Error(w, "too many connections from this address that have not entered", http.StatusTooManyRequests)
		return
	}
	// Counted before the upgrade so that concurrent upgrades cannot pass
	// the caps together.
	s.pending[addr]++
	s.upgrading++
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	ws, err := s.upgrader.Upgrade(w, r, nil)
	s.mu.Lock()
	s.upgrading--
	if err != nil || s.closed {
		s.unpendLocked(addr)
		s.mu.Unlock()
		if ws != nil {
			_ = ws.Close()
		}
		return // on err the upgrader has answered
	}
	c := newConn(s, ws, addr)
	c.pending = true
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	c.serve()
	s.mu.Lock()
	delete(s.conns, c)
	if c.pending {
		c.pending = false
		s.unpendLocked(addr)
	}
	s.mu.Unlock()
}

// entered takes c off the not-entered count of its address.
func (s *Server) entered(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.pending {
		c.pending = false
		s.unpendLocked(c.addr)
	}
}

func (s *Server) unpendLocked(addr string) {
	if s.pending[addr]--; s.pending[addr] <= 0 {
		delete(s.pending, addr)
	}
}

// remoteIP is the client's IP (no port). Proxy headers are not trusted.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// background runs f in a goroutine that Close waits for.
func (s *Server) background(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// Close stops the service: no new connections, every client disconnected,
// every peer closed, every goroutine ended. It is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.stopCtx()
		s.mu.Lock()
		s.closed = true
		conns := make([]*conn, 0, len(s.conns))
		for c := range s.conns {
			conns = append(conns, c)
		}
		s.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := s.http.Shutdown(ctx)
		for _, c := range conns {
			c.shutdown(websocket.CloseGoingAway, "server shutting down")
		}
		s.wg.Wait()
		s.closeErr = errors.Join(err, s.sfu.Close())
		s.log.Info("room service stopped")
	})
	return s.closeErr
}

func itoa(n int) string { return strconv.Itoa(n) }
