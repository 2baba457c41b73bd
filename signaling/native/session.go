package native

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/protocol"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/internal/evq"
)

// session is one Join. See the package doc for its goroutines.
type session struct {
	d  *Driver
	ws *websocket.Conn
	pc *webrtc.PeerConnection
	p  signaling.JoinParams
	h  signaling.Handler
	q  *evq.Queue

	wmu    sync.Mutex // one WebSocket writer at a time
	nextID atomic.Uint64

	pmu     sync.Mutex
	pending map[uint64]chan protocol.Reply

	sdpMu    sync.Mutex // SDP handling vs candidate sending: candidates go after the answer
	answered bool       // the first answer was sent (tracks attached)

	entered   chan error // the enter outcome, from the reader
	heartbeat atomic.Int64
	readerEnd chan struct{}
	stop      chan struct{} // closed by shutdown
	stopOnce  sync.Once
	leaveOnce sync.Once
	leaveErr  error
	terminal  atomic.Bool // Kicked or Disconnected queued: nothing follows
	wg        sync.WaitGroup
}

func newSession(d *Driver, ws *websocket.Conn, pc *webrtc.PeerConnection, p signaling.JoinParams, h signaling.Handler) *session {
	s := &session{
		d: d, ws: ws, pc: pc, p: p, h: h, q: evq.New(), pending: map[uint64]chan protocol.Reply{},
		entered: make(chan error, 1), readerEnd: make(chan struct{}), stop: make(chan struct{}),
	}
	s.heartbeat.Store(int64(d.heartbeat))
	return s
}

var _ signaling.Session = (*session)(nil)

// start wires pion callbacks and starts the reader, dispatcher and heartbeat.
func (s *session) start() {
	s.pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			return
		}
		init := c.ToJSON()
		s.sdpMu.Lock() // wait until the answer this candidate belongs to is sent
		defer s.sdpMu.Unlock()
		_ = s.write(protocol.TypeCandidate, 0, &protocol.Candidate{Candidate: init.Candidate, SDPMid: init.SDPMid, SDPMLineIndex: init.SDPMLineIndex})
	})
	s.pc.OnTrack(func(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
		s.q.Push(signaling.RemoteTrack{UserID: t.StreamID(), Kind: t.Kind().String(), Track: t, Receiver: r})
	})
	s.wg.Add(3)
	go s.reader()
	go s.dispatch()
	go s.pinger()
}

// enter sends the enter request and waits for 1018 or the refusal.
func (s *session) enter(ctx context.Context) error {
	if err := s.write(protocol.TypeEnter, s.nextID.Add(1), enterMsg(s.p)); err != nil {
		return fmt.Errorf("native: send enter: %w", err)
	}
	select {
	case err := <-s.entered:
		return err
	case <-ctx.Done():
		return fmt.Errorf("native: enter room: %w", ctx.Err())
	}
}

func (s *session) write(t protocol.Type, id uint64, body any) error {
	b, err := protocol.Encode(t, id, body)
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = s.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.ws.WriteMessage(websocket.TextMessage, b)
}

// dispatch delivers events to the Handler in order until the queue closes;
// nothing is delivered after a terminal event.
func (s *session) dispatch() {
	defer s.wg.Done()
	evq.Dispatch(s.q, s.h)
}

// pinger sends heartbeats at the server's interval.
func (s *session) pinger() {
	defer s.wg.Done()
	t := time.NewTimer(time.Duration(s.heartbeat.Load()))
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.readerEnd:
			return
		case <-t.C:
			_ = s.write(protocol.TypePing, 0, nil)
			t.Reset(time.Duration(s.heartbeat.Load()))
		}
	}
}

// Do carries out one request and returns the server's refusal as a
// *signaling.Error.
func (s *session) Do(ctx context.Context, r signaling.Request) error {
	var (
		t    protocol.Type
		body any
	)
	switch r := r.(type) {
	case signaling.SetLocalMedia:
		t, body = protocol.TypeMedia, &protocol.Media{AudioMuted: r.AudioMuted, VideoOff: r.VideoOff}
	case signaling.SetRemoteMedia:
		t, body = protocol.TypeRemote, &protocol.Remote{UserID: r.UserID, Audio: r.Audio, Video: r.Video, Clear: r.Clear}
	case signaling.SetRecvMode:
		t, body = protocol.TypeRecvMode, &protocol.RecvMode{Mode: int(r.Mode)}
	case signaling.SetVideoView:
		return nil // one layer per track: the view size changes nothing
	case signaling.SendMessage:
		m := r.Message
		kind := string(m.Type)
		if kind == "" {
			kind = protocol.IMText
		}
		t, body = protocol.TypeIM, &protocol.IM{To: m.To, Kind: kind, Text: m.Text, Data: m.Data, Desc: m.Desc, Ext: m.Ext}
	default:
		return fmt.Errorf("native: unsupported request %T", r)
	}
	rep, err := s.request(ctx, t, body)
	if err != nil {
		return err
	}
	if rep.Code != 0 {
		return &signaling.Error{Code: rep.Code, Message: rep.Message}
	}
	return nil
}

// request sends one request and waits for its reply.
func (s *session) request(ctx context.Context, t protocol.Type, body any) (protocol.Reply, error) {
	select {
	case <-s.readerEnd:
		return protocol.Reply{}, signaling.ErrClosed
	case <-s.stop:
		return protocol.Reply{}, signaling.ErrClosed
	default:
	}
	id := s.nextID.Add(1)
	ch := make(chan protocol.Reply, 1)
	s.pmu.Lock()
	s.pending[id] = ch
	s.pmu.Unlock()
	defer func() {
		s.pmu.Lock()
		delete(s.pending, id)
		s.pmu.Unlock()
	}()
	if err := s.write(t, id, body); err != nil {
		return protocol.Reply{}, fmt.Errorf("native: send %s: %w: %w", t, signaling.ErrClosed, err)
	}
	select {
	case rep := <-ch:
		return rep, nil
	case <-s.readerEnd:
		return protocol.Reply{}, signaling.ErrClosed
	case <-ctx.Done():
		return protocol.Reply{}, fmt.Errorf("native: %s: %w", t, ctx.Err())
	}
}

// Leave sends leave, waits briefly for the reply, and releases everything.
// It is idempotent.
func (s *session) Leave(ctx context.Context) error {
	s.leaveOnce.Do(func() {
		s.terminal.Store(true) // no Disconnected for our own hang-up
		ctx, cancel := context.WithTimeout(ctx, DefaultLeaveTimeout)
		defer cancel()
		if _, err := s.request(ctx, protocol.TypeLeave, nil); err != nil && !errors.Is(err, signaling.ErrClosed) {
			s.leaveErr = err
		}
		s.shutdown()
	})
	return s.leaveErr
}

// shutdown closes the socket and the PeerConnection, drops undelivered
// events and waits for every goroutine of the session.
func (s *session) shutdown() {
	s.stopOnce.Do(func() {
		close(s.stop)
		s.q.Close(true)
		s.wmu.Lock()
		_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		s.wmu.Unlock()
		_ = s.ws.Close()
		_ = s.pc.GracefulClose()
		s.wg.Wait()
	})
}
