package janus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
)

// Subprotocol is the WebSocket subprotocol of the Janus API;
// AdminSubprotocol the one of the Admin API (a separate server).
const (
	Subprotocol      = "janus-protocol"
	AdminSubprotocol = "janus-admin-protocol"
)

// maxFrameBytes bounds one message from Janus (SDP offers of large
// multistream subscriptions are the biggest).
const maxFrameBytes = 1 << 20

// msg is one Janus API message, either direction. Only the fields roombot
// uses are decoded; plugin payloads stay raw until their handle reads them.
type msg struct {
	Janus       string               `json:"janus"`
	Transaction string               `json:"transaction,omitempty"`
	SessionID   uint64               `json:"session_id,omitempty"`
	Sender      uint64               `json:"sender,omitempty"`
	Data        *struct{ ID uint64 } `json:"data,omitempty"`
	Error       *struct {
		Code   int
		Reason string
	} `json:"error,omitempty"`
	PluginData *pluginData                `json:"plugindata,omitempty"`
	JSEP       *webrtc.SessionDescription `json:"jsep,omitempty"`
	// Core events about a handle's PeerConnection: "media" (Type, Mid,
	// Receiving), "hangup" (Reason), "slowlink".
	Type      string `json:"type,omitempty"`
	Mid       string `json:"mid,omitempty"`
	Receiving *bool  `json:"receiving,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// Admin API answers.
	Sessions []uint64   `json:"sessions,omitempty"`
	Handles  []uint64   `json:"handles,omitempty"`
	Info     *adminInfo `json:"info,omitempty"`
}

// adminInfo is the part of an Admin API handle_info answer roombot reads.
type adminInfo struct {
	Plugin         string `json:"plugin"`
	PluginSpecific struct {
		Type    string      `json:"type"`
		Room    uint64      `json:"room"`
		ID      uint64      `json:"id"`
		Display string      `json:"display"`
		Streams []pubStream `json:"streams"`
	} `json:"plugin_specific"`
}

type pluginData struct {
	Plugin string          `json:"plugin"`
	Data   json.RawMessage `json:"data"`
}

// pluginError is the error part every plugin answer may carry.
type pluginError struct {
	ErrorCode int    `json:"error_code"`
	Error     string `json:"error"`
}

// err returns the Janus error carried by m (core or plugin), or nil.
func (m *msg) err() error {
	if m.Janus == "error" && m.Error != nil {
		return &Error{Code: m.Error.Code, Reason: m.Error.Reason}
	}
	if m.PluginData != nil {
		var pe pluginError
		if json.Unmarshal(m.PluginData.Data, &pe) == nil && pe.ErrorCode != 0 {
			return &Error{Code: pe.ErrorCode, Reason: pe.Error, Plugin: m.PluginData.Plugin}
		}
	}
	return nil
}

// conn is one WebSocket to Janus carrying one Janus session. Requests wait
// for their transaction's answer; everything else is routed by handle.
//
// Routing rule (the Janus API): a request's transaction is answered by
// "success", "error", or, for asynchronous plugin requests, "ack" first and
// then an "event" with the same transaction. Events without a pending
// transaction go to the handle named by "sender", or to onSession.
type conn struct {
	ws  *websocket.Conn
	log *slog.Logger

	wmu  sync.Mutex
	next atomic.Uint64

	mu        sync.Mutex
	pending   map[string]*call
	handles   map[uint64]func(*msg)
	onSession func(*msg)
	session   uint64

	readerEnd chan struct{}
	readErr   error // set before readerEnd is closed
}

type call struct {
	async bool
	ch    chan *msg
}

// dial opens the WebSocket and starts the reader; onSession receives
// session-level events (for example "timeout").
func dial(ctx context.Context, d *websocket.Dialer, url string, header http.Header, log *slog.Logger, onSession func(*msg)) (*conn, error) {
	return dialProto(ctx, d, url, header, log, onSession, Subprotocol)
}

func dialProto(ctx context.Context, d *websocket.Dialer, url string, header http.Header, log *slog.Logger, onSession func(*msg), proto string) (*conn, error) {
	dd := *d
	dd.Subprotocols = []string{proto}
	ws, resp, err := dd.DialContext(ctx, url, header)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("janus: dial %s: %w", url, err)
	}
	ws.SetReadLimit(maxFrameBytes)
	c := &conn{ws: ws, log: log, pending: map[string]*call{}, handles: map[uint64]func(*msg){},
		onSession: onSession, readerEnd: make(chan struct{})}
	go c.reader()
	return c, nil
}

func (c *conn) reader() {
	defer close(c.readerEnd)
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			c.readErr = err
			return
		}
		m := &msg{}
		if err := json.Unmarshal(b, m); err != nil {
			c.log.Warn("janus: undecodable message", "err", err)
			continue
		}
		c.route(m)
	}
}

func (c *conn) route(m *msg) {
	c.mu.Lock()
	if m.Transaction != "" {
		if cl := c.pending[m.Transaction]; cl != nil {
			if m.Janus == "ack" && cl.async {
				c.mu.Unlock()
				return // the event with the result follows
			}
			delete(c.pending, m.Transaction)
			c.mu.Unlock()
			cl.ch <- m
			return
		}
	}
	h := c.handles[m.Sender]
	on := c.onSession
	c.mu.Unlock()
	switch {
	case h != nil:
		h(m)
	case m.Sender == 0 && on != nil:
		on(m)
	default:
		c.log.Debug("janus: message for no handle", "janus", m.Janus, "sender", m.Sender)
	}
}

// write sends one message as a text frame. (gorilla's WriteJSON writes
// through a streaming writer that Janus 1.1.2 rejected with error 454;
// WriteMessage sends one complete frame.)
func (c *conn) write(m map[string]any) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

// request sends m (adding transaction and session) and waits for its
// answer. async: m is a plugin request answered by ack + event.
func (c *conn) request(ctx context.Context, m map[string]any, async bool) (*msg, error) {
	tx := strconv.FormatUint(c.next.Add(1), 36)
	m["transaction"] = tx
	c.mu.Lock()
	if c.session != 0 {
		if _, ok := m["session_id"]; !ok {
			m["session_id"] = c.session
		}
	}
	cl := &call{async: async, ch: make(chan *msg, 1)}
	c.pending[tx] = cl
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, tx)
		c.mu.Unlock()
	}()
	select {
	case <-c.readerEnd:
		return nil, fmt.Errorf("janus %s: %w", m["janus"], ErrConnClosed)
	default:
	}
	if err := c.write(m); err != nil {
		return nil, fmt.Errorf("janus %s: %w: %w", m["janus"], ErrConnClosed, err)
	}
	select {
	case r := <-cl.ch:
		if err := r.err(); err != nil {
			return r, err
		}
		return r, nil
	case <-c.readerEnd:
		return nil, fmt.Errorf("janus %s: %w", m["janus"], ErrConnClosed)
	case <-ctx.Done():
		return nil, fmt.Errorf("janus %s: %w", m["janus"], ctx.Err())
	}
}

// createSession creates the Janus session of this connection.
func (c *conn) createSession(ctx context.Context) error {
	r, err := c.request(ctx, map[string]any{"janus": "create"}, false)
	if err != nil {
		return err
	}
	if r.Data == nil || r.Data.ID == 0 {
		return errors.New("janus create: no session id in the answer")
	}
	c.mu.Lock()
	c.session = r.Data.ID
	c.mu.Unlock()
	return nil
}

// keepalive sends a keepalive every period until stop is closed or the
// connection ends. Janus ends a session after session_timeout (60 s by
// default) without one.
func (c *conn) keepalive(stop <-chan struct{}, period time.Duration, gone func(error)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-c.readerEnd:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), period)
			_, err := c.request(ctx, map[string]any{"janus": "keepalive"}, false)
			cancel()
			if sessionGone(err) && gone != nil {
				gone(err) // Janus ended the session (timeout, Admin API destroy_session)
				return
			}
			if err != nil {
				c.log.Debug("janus: keepalive", "err", err)
			}
		}
	}
}

// handle is one attachment to a plugin.
type handle struct {
	c      *conn
	id     uint64
	plugin string
}

// attach attaches to plugin; on receives the handle's unsolicited events
// on the reader goroutine and must not block.
func (c *conn) attach(ctx context.Context, plugin string, on func(*msg)) (*handle, error) {
	r, err := c.request(ctx, map[string]any{"janus": "attach", "plugin": plugin}, false)
	if err != nil {
		return nil, fmt.Errorf("attach %s: %w", plugin, err)
	}
	if r.Data == nil || r.Data.ID == 0 {
		return nil, fmt.Errorf("attach %s: no handle id in the answer", plugin)
	}
	h := &handle{c: c, id: r.Data.ID, plugin: plugin}
	c.mu.Lock()
	c.handles[h.id] = on
	c.mu.Unlock()
	return h, nil
}

// message sends a plugin request (with an optional JSEP) and returns the
// plugin's answer. async: the request is one the plugin answers with an
// event (join, publish, configure, start, ...), not synchronously.
func (h *handle) message(ctx context.Context, body any, jsep *webrtc.SessionDescription, async bool) (*msg, error) {
	m := map[string]any{"janus": "message", "handle_id": h.id, "body": body}
	if jsep != nil {
		m["jsep"] = map[string]string{"type": jsep.Type.String(), "sdp": jsep.SDP}
	}
	return h.c.request(ctx, m, async)
}

// trickle sends one local ICE candidate; nil says gathering completed.
func (h *handle) trickle(c *webrtc.ICECandidate) error {
	m := map[string]any{"janus": "trickle", "handle_id": h.id, "transaction": "t" + strconv.FormatUint(h.c.next.Add(1), 36)}
	h.c.mu.Lock()
	m["session_id"] = h.c.session
	h.c.mu.Unlock()
	if c == nil {
		m["candidate"] = map[string]any{"completed": true}
	} else {
		init := c.ToJSON()
		cand := map[string]any{"candidate": init.Candidate}
		if init.SDPMid != nil {
			cand["sdpMid"] = *init.SDPMid
		}
		if init.SDPMLineIndex != nil {
			cand["sdpMLineIndex"] = *init.SDPMLineIndex
		}
		m["candidate"] = cand
	}
	return h.c.write(m)
}

// detach ends the handle (and its PeerConnection on the Janus side).
func (h *handle) detach(ctx context.Context) error {
	_, err := h.c.request(ctx, map[string]any{"janus": "detach", "handle_id": h.id}, false)
	h.c.mu.Lock()
	delete(h.c.handles, h.id)
	h.c.mu.Unlock()
	return err
}

// close destroys the session (best effort) and closes the socket; it waits
// for the reader.
func (c *conn) close(ctx context.Context) {
	c.mu.Lock()
	sess := c.session
	c.mu.Unlock()
	if sess != 0 {
		select {
		case <-c.readerEnd:
		default:
			if _, err := c.request(ctx, map[string]any{"janus": "destroy"}, false); err != nil {
				c.log.Debug("janus: destroy session", "err", err)
			}
		}
	}
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.wmu.Unlock()
	_ = c.ws.Close()
	<-c.readerEnd
}
