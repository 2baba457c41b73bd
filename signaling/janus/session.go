package janus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/internal/evq"
)

// session is one Join: one Janus session with a VideoRoom participant
// handle (publisher), a multistream subscriber handle once someone
// publishes, and a TextRoom handle when IM is on. See the package doc for
// its goroutines.
type session struct {
	d    *Driver
	c    *conn
	p    signaling.JoinParams
	h    signaling.Handler
	room uint64

	q    *evq.Queue        // → Handler, in order (dispatch)
	work *evq.FIFO[func()] // Janus events and retries, in order (worker)

	pub       *handle
	myID      uint64
	privateID uint64
	pubPC     *webrtc.PeerConnection
	pubMids   map[string]string // kind → mid of our published m-line

	sub *subscriber // owned by the worker goroutine
	im  *textRoom

	mu       sync.Mutex // guards the fields below
	peers    map[uint64]*peer
	gone     map[uint64]bool // participant ids replaced by a later one of the same userID (takeover.go)
	left     map[uint64]bool // gone ids that have left the room since
	mode     signaling.RecvMode
	prefs    map[string]recvPref // per remote userID, set by SetRemoteMedia
	audioOff bool                // local state as announced
	videoOff bool

	retries428 atomic.Int64 // 428 answers seen (tests)
	removed    atomic.Bool  // kicked, or the room was destroyed: nothing to leave

	entered   chan struct{} // closed when Members is queued: the worker may run
	stop      chan struct{} // closed by shutdown
	stopOnce  sync.Once
	leaveOnce sync.Once
	leaveErr  error
	terminal  atomic.Bool // Kicked or Disconnected queued, or Leave called
	wg        sync.WaitGroup
}

// peer is another participant of the VideoRoom.
type peer struct {
	id         uint64
	user       string
	publishing bool
	streams    []pubStream
	audioOff   bool
	videoOff   bool
}

type recvPref struct{ audio, video bool }

func newSession(d *Driver, p signaling.JoinParams, h signaling.Handler, room uint64) *session {
	return &session{d: d, p: p, h: h, room: room, q: evq.New(), work: evq.NewFIFO[func()](),
		pubMids: map[string]string{}, peers: map[uint64]*peer{}, gone: map[uint64]bool{}, left: map[uint64]bool{}, mode: p.RecvMode, prefs: map[string]recvPref{},
		audioOff: p.AudioMuted, videoOff: p.VideoOff, entered: make(chan struct{}), stop: make(chan struct{})}
}

var _ signaling.Session = (*session)(nil)

// enter is Join's work. Janus events that arrive meanwhile wait in the
// work queue until the member list is queued.
func (s *session) enter(ctx context.Context) error {
	s.wg.Add(2)
	go s.worker()
	go s.dispatch()
	s.work.Push(func() { <-s.entered })
	if err := s.c.createSession(ctx); err != nil {
		return err
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.c.keepalive(s.stop, s.d.keepalive, func(err error) { s.end(fmt.Errorf("janus: session gone: %w", err)) })
	}()
	s.wg.Add(1)
	go s.watchConn()
	var err error
	if s.pub, err = s.c.attach(ctx, pluginVideoRoom, s.onHandleEvent(s.onPubEvent)); err != nil {
		return err
	}
	joined, err := s.joinRoom(ctx)
	if err != nil {
		return refusal("videoroom join", err)
	}
	prev := s.previous(joined)
	if s.p.IM {
		if s.im, err = s.joinTextRoom(ctx, len(prev) > 0); err != nil {
			return err
		}
	}
	if len(s.p.Tracks) > 0 {
		if f := s.d.beforePublish; f != nil {
			f()
		}
		if err := s.publish(ctx); err != nil {
			return err
		}
	}
	s.q.Push(signaling.Members{List: s.applyJoined(joined)})
	close(s.entered)
	s.work.Push(s.syncSubscriptions)
	s.kickPrevious(prev)
	return nil
}

// onHandleEvent routes a handle's unsolicited events to the worker.
func (s *session) onHandleEvent(f func(*msg)) func(*msg) {
	return func(m *msg) { s.work.Push(func() { f(m) }) }
}

// onSessionEvent handles session-level events (reader goroutine).
func (s *session) onSessionEvent(m *msg) {
	if m.Janus == "timeout" {
		s.end(fmt.Errorf("janus: session timed out"))
	}
}

// watchConn turns the end of the WebSocket into Disconnected.
func (s *session) watchConn() {
	defer s.wg.Done()
	select {
	case <-s.stop:
	case <-s.c.readerEnd:
		s.end(fmt.Errorf("janus: connection lost: %w", s.c.readErr))
	}
}

// end queues Disconnected unless the session already ended.
func (s *session) end(err error) {
	if !s.terminal.Swap(true) {
		s.q.Push(signaling.Disconnected{Err: err})
	}
}

// kicked queues Kicked unless the session already ended.
func (s *session) kicked(r signaling.KickReason, m string) {
	s.removed.Store(true)
	if !s.terminal.Swap(true) {
		s.q.Push(signaling.Kicked{Reason: r, Message: m})
	}
}

// worker runs Janus events and subscription work in order.
func (s *session) worker() {
	defer s.wg.Done()
	for {
		f, ok := s.work.Pop()
		if !ok {
			return
		}
		f()
	}
}

// dispatch delivers events to the Handler in order; nothing follows a
// terminal event.
func (s *session) dispatch() {
	defer s.wg.Done()
	evq.Dispatch(s.q, s.h)
}

// ctx is the context of work the session does on its own (events,
// retries): it ends with the session.
func (s *session) ctx() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// Do carries out one request.
func (s *session) Do(ctx context.Context, r signaling.Request) error {
	select {
	case <-s.stop:
		return signaling.ErrClosed
	case <-s.c.readerEnd:
		return signaling.ErrClosed
	default:
	}
	if s.terminal.Load() {
		return signaling.ErrClosed
	}
	switch r := r.(type) {
	case signaling.SetLocalMedia:
		return s.setLocalMedia(ctx, r.AudioMuted, r.VideoOff)
	case signaling.SetRemoteMedia:
		return s.setRemoteMedia(ctx, r)
	case signaling.SetRecvMode:
		return s.setRecvMode(ctx, r.Mode)
	case signaling.SetVideoView:
		return nil // one layer per track (no simulcast on Janus here): the view size selects nothing, as on the reference service
	case signaling.SendMessage:
		if s.im == nil {
			return &signaling.Error{Code: codes.ErrIMSendFailed, Message: "janus: IM is off for this participant"}
		}
		return s.im.send(ctx, r.Message)
	default:
		return fmt.Errorf("janus: request %T: %w", r, ErrUnsupported)
	}
}

// Leave leaves the rooms, detaches, destroys the Janus session and waits
// for every goroutine. It is idempotent.
func (s *session) Leave(ctx context.Context) error {
	s.leaveOnce.Do(func() {
		s.terminal.Store(true) // no Disconnected for our own hang-up
		ctx, cancel := context.WithTimeout(ctx, DefaultLeaveTimeout)
		defer cancel()
		if s.pub != nil && !s.removed.Load() {
			_, err := s.pub.message(ctx, map[string]any{"request": "leave"}, nil, true)
			if err != nil && !errors.Is(err, ErrConnClosed) && !isCode(err, CodeNoSuchRoom) && !isCode(err, codeJoinFirst) && !sessionGone(err) {
				s.leaveErr = fmt.Errorf("janus: leave: %w", err)
			}
		}
		// Detach every handle (Janus tears their PeerConnections down),
		// then shutdown destroys the session.
		for _, h := range s.handles() {
			if err := h.detach(ctx); err != nil && !errors.Is(err, ErrConnClosed) {
				s.d.log.Debug("janus: detach", "plugin", h.plugin, "err", err)
			}
		}
		s.shutdown(ctx)
	})
	return s.leaveErr
}

// shutdown ends the Janus session (which detaches its handles), closes the
// socket and the PeerConnections, and waits for every goroutine.
func (s *session) shutdown(ctx context.Context) {
	s.stopOnce.Do(func() {
		s.terminal.Store(true)
		close(s.stop)
		select {
		case <-s.entered:
		default:
			close(s.entered)
		}
		s.q.Close(true)
		s.work.Close(true)
		s.c.close(ctx)
		for _, pc := range s.pcs() {
			_ = pc.GracefulClose()
		}
		s.wg.Wait()
	})
}

// handles lists the session's handles, the participant's last.
func (s *session) handles() []*handle {
	var out []*handle
	s.mu.Lock()
	sub := s.sub
	s.mu.Unlock()
	if sub != nil { // sub.mu after s.mu is released: applySendFlags locks sub.mu, then s.mu
		sub.mu.Lock()
		if sub.h != nil {
			out = append(out, sub.h)
		}
		sub.mu.Unlock()
	}
	if s.im != nil && s.im.h != nil {
		out = append(out, s.im.h)
	}
	if s.pub != nil {
		out = append(out, s.pub)
	}
	return out
}

// pcs lists the session's PeerConnections.
func (s *session) pcs() []*webrtc.PeerConnection {
	var out []*webrtc.PeerConnection
	if s.pubPC != nil {
		out = append(out, s.pubPC)
	}
	s.mu.Lock()
	if s.sub != nil && s.sub.pc != nil {
		out = append(out, s.sub.pc)
	}
	s.mu.Unlock()
	if s.im != nil && s.im.pc != nil {
		out = append(out, s.im.pc)
	}
	return out
}

// newPC makes a PeerConnection from the bot's API that trickles its
// candidates on h.
func (s *session) newPC(h *handle) (*webrtc.PeerConnection, error) {
	pc, err := s.p.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, fmt.Errorf("janus: new peer connection: %w", err)
	}
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		// Janus queues candidates that arrive before their SDP.
		if err := h.trickle(c); err != nil {
			s.d.log.Debug("janus: trickle", "err", err)
		}
	})
	return pc, nil
}
