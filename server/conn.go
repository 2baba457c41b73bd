package server

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
)

// Connection limits.
const (
	// outQueue bounds the messages waiting to be written to one client; a
	// client that lets it fill is dropped rather than slowing the room.
	outQueue  = 512
	writeWait = 5 * time.Second
	// closeWait bounds the wait for the client's close frame after the
	// server sent its own; reading on meanwhile (and discarding) keeps the
	// kernel from resetting a connection whose client is still sending.
	closeWait = 2 * time.Second
)

// conn is one signaling WebSocket. The reader (serve) runs in the HTTP
// handler goroutine; the writer is a goroutine owned by serve.
type conn struct {
	s   *Server
	ws  *websocket.Conn
	log *slog.Logger
	out chan []byte

	stop      chan struct{} // closed by shutdown: the writer flushes and closes
	stopOnce  sync.Once
	closeCode int
	closeText string
	writerEnd chan struct{}

	part *participant // set by enter; read and written by serve only

	addr    string // remote IP, for the per-address cap
	pending bool   // counted in Server.pending; guarded by Server.mu

	// Watchdogs: the enter deadline (stopped by a successful enter) and the
	// heartbeat (re-armed by every message). Each closes the connection
	// with its own code.
	enterTimer *time.Timer
	silence    *time.Timer

	tokens float64 // flood bucket, serve only
	last   time.Time
}

func newConn(s *Server, ws *websocket.Conn, addr string) *conn {
	return &conn{
		s: s, ws: ws, log: s.log.With("remote", ws.RemoteAddr().String()), addr: addr,
		out: make(chan []byte, outQueue), stop: make(chan struct{}), writerEnd: make(chan struct{}),
		tokens: 4 * s.cfg.MessageRate, last: time.Now(),
	}
}

// send queues one message without blocking; a full queue drops the client.
func (c *conn) send(t protocol.Type, id uint64, body any) {
	b, err := protocol.Encode(t, id, body)
	if err != nil {
		c.log.Error("encode", "type", t, "err", err)
		return
	}
	select {
	case <-c.stop:
	case c.out <- b:
	default:
		c.log.Warn("client too slow: dropping connection", "queued", len(c.out))
		c.shutdown(websocket.CloseTryAgainLater, "client too slow")
	}
}

// fail sends a failure: a reply when the request had an id, else an error event.
func (c *conn) fail(id uint64, e *protocol.Error) {
	c.s.metrics.errors.WithLabelValues(itoa(e.Code)).Inc()
	if id != 0 {
		c.send(protocol.TypeReply, id, &protocol.Reply{Code: e.Code, Message: e.Message})
		return
	}
	c.send(protocol.TypeError, 0, e)
}

// ok acknowledges a request that had an id.
func (c *conn) ok(id uint64) {
	if id != 0 {
		c.send(protocol.TypeReply, id, &protocol.Reply{})
	}
}

// shutdown makes the writer flush what is queued, send a close frame and
// close the socket. Idempotent.
func (c *conn) shutdown(code int, text string) {
	c.stopOnce.Do(func() {
		c.closeCode, c.closeText = code, text
		close(c.stop)
	})
}

// drop closes the socket at once, with no close frame: for the reader it is
// a lost network (admin fault).
func (c *conn) drop() {
	_ = c.ws.UnderlyingConn().Close()
	c.shutdown(websocket.CloseAbnormalClosure, "dropped")
}

func (c *conn) writer() {
	defer close(c.writerEnd)
	write := func(b []byte) bool {
		_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
		return c.ws.WriteMessage(websocket.TextMessage, b) == nil
	}
	for {
		select {
		case b := <-c.out:
			if !write(b) {
				c.shutdown(websocket.CloseAbnormalClosure, "write failed")
				_ = c.ws.Close()
				return
			}
		case <-c.stop:
			for {
				select {
				case b := <-c.out:
					if !write(b) {
						_ = c.ws.Close()
						return
					}
					continue
				default:
				}
				break
			}
			if c.closeCode != websocket.CloseAbnormalClosure {
				msg := websocket.FormatCloseMessage(c.closeCode, c.closeText)
				_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
			}
			// The reader goes on until the client's close frame arrives
			// (or this deadline); serve closes the socket then.
			_ = c.ws.SetReadDeadline(time.Now().Add(closeWait))
			return
		}
	}
}

// allow takes one token from the flood bucket.
func (c *conn) allow() bool {
	now := time.Now()
	rate := c.s.cfg.MessageRate
	c.tokens += now.Sub(c.last).Seconds() * rate
	c.last = now
	if burst := 4 * rate; c.tokens > burst {
		c.tokens = burst
	}
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

// serve reads and handles messages until the connection ends, then removes
// the participant and waits for the writer. Once the server has decided to
// close (shutdown), it reads on and discards until the client's close frame
// or closeWait, so that its last messages reach the client: closing a socket
// with unread input makes the kernel reset the connection and drop them.
func (c *conn) serve() {
	go c.writer()
	c.enterTimer = time.AfterFunc(c.s.cfg.EnterTimeout, func() {
		c.shutdown(protocol.CloseEnterTimeout, "not entered within "+c.s.cfg.EnterTimeout.String())
	})
	silence := 3 * c.s.cfg.Heartbeat
	c.silence = time.AfterFunc(silence, func() {
		c.shutdown(protocol.CloseHeartbeat, "no message for "+silence.String()+" (3 heartbeat intervals)")
	})
	defer func() {
		c.enterTimer.Stop()
		c.silence.Stop()
		if c.part != nil {
			c.s.leave(c.part)
		}
		c.shutdown(websocket.CloseNormalClosure, "")
		<-c.writerEnd
		_ = c.ws.Close()
	}()
	c.ws.SetReadLimit(protocol.MaxFrameBytes)
	for {
		typ, b, err := c.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			switch {
			case errors.As(err, &ce):
				c.log.Debug("client closed", "code", ce.Code)
			case errors.Is(err, websocket.ErrReadLimit):
				c.shutdown(websocket.CloseMessageTooBig, "frame too large")
			default:
				c.log.Debug("read ended", "err", err)
			}
			return
		}
		if c.closing() {
			continue // closing: discard until the client's close frame
		}
		c.silence.Reset(silence)
		if !c.allow() {
			c.fail(0, refusal(codes.ErrServerInvalidCommand, "too many messages (over %.0f/s): closing", c.s.cfg.MessageRate))
			c.shutdown(websocket.ClosePolicyViolation, "flood")
			continue
		}
		if typ != websocket.TextMessage {
			c.fail(0, refusal(codes.ErrServerUnpack, "binary frames are not part of the protocol"))
			continue
		}
		m, err := protocol.Decode(b)
		if err != nil {
			c.refuseUndecodable(m, err)
			continue
		}
		c.safeHandle(m)
	}
}

// closing reports whether shutdown was called.
func (c *conn) closing() bool {
	select {
	case <-c.stop:
		return true
	default:
		return false
	}
}

// refuseUndecodable answers a frame Decode refused. An unreadable enter
// (before entering) is refused as an enter, so that the client waiting for
// entered/enterFailed gets its answer.
func (c *conn) refuseUndecodable(m protocol.Msg, err error) {
	var de *protocol.DecodeError
	if m.Type == protocol.TypeEnter && c.part == nil && errors.As(err, &de) {
		c.refuseEnter(m.ID, refusal(enterFieldCode(de.Field), "%v", err))
		return
	}
	code := codes.ErrServerUnpack
	if errors.Is(err, protocol.ErrUnknownType) {
		code = codes.ErrServerInvalidCommand
	}
	c.fail(m.ID, refusal(code, "%v", err))
}

// safeHandle is handle with a last line of defence: a bug that panics ends
// this one connection (logged with the message type), never the service.
func (c *conn) safeHandle(m protocol.Msg) {
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("BUG: panic while handling a message; closing the connection", "type", m.Type, "panic", r)
			c.fail(m.ID, refusal(codes.ErrServerInvalidCommand, "internal error handling %s", m.Type))
			c.shutdown(websocket.CloseInternalServerErr, "internal error")
		}
	}()
	c.handle(m)
}

// refuseEnter sends enterFailed (1022 with the cause) and closes (1000).
func (c *conn) refuseEnter(id uint64, fail *protocol.Error) {
	c.s.metrics.errors.WithLabelValues(itoa(fail.Code)).Inc()
	c.send(protocol.TypeEnterFailed, id, &protocol.EnterFailed{Code: codes.EnterRoomFailed, Error: *fail})
	c.shutdown(websocket.CloseNormalClosure, "enter failed")
}

// enterFieldCode is the enter refusal code for an unreadable field of
// Enter: the code of that parameter's validation (docs/protocol.md).
func enterFieldCode(field string) int {
	switch field {
	case "roomID", "strRoomID":
		return codes.ErrRoomIDInvalid
	case "sdkAppID":
		return codes.ErrSDKAppIDInvalid
	case "userID":
		return codes.ErrUserIDInvalid
	case "userSig":
		return codes.ErrUserSigInvalid
	}
	return codes.ErrEnterRoomParamNull // no data, not an object, or another parameter
}
