package livekit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"github.com/pion/webrtc/v4"
	"google.golang.org/protobuf/proto"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/internal/evq"
)

// session is one Join. The reader goroutine owns the room state (members,
// subscriptions); Do changes it under mu.
type session struct {
	d    *Driver
	ws   *websocket.Conn
	p    signaling.JoinParams
	room string
	h    signaling.Handler
	q    *evq.Queue
	wmu  sync.Mutex // one WebSocket writer at a time

	self      string // own identity, from the JoinResponse
	pub, sub  *negotiator
	reliable  *webrtc.DataChannel                // publisher's "_reliable" (IM sends)
	dcOpen    chan struct{}                      // closed when reliable is open
	published map[string]chan *livekit.TrackInfo // cid → TrackPublished
	pubMu     sync.Mutex

	mu       sync.Mutex
	members  map[string]*member // identity → state
	bySid    map[string]string  // participant sid → identity
	recv     signaling.RecvMode
	view     int                            // ViewHeight (SetVideoView)
	override map[string][2]bool             // identity → {audio, video} wanted (block/unblock)
	subs     map[string]*subState           // remote track sid → subscription
	local    map[webrtc.RTPCodecType]string // kind → own track sid
	imSeq    uint64

	pingEvery time.Duration
	pingLimit time.Duration
	readerEnd chan struct{}
	stop      chan struct{}
	stopOnce  sync.Once
	leaveOnce sync.Once
	leaveErr  error
	terminal  atomic.Bool // Kicked or Disconnected queued: nothing follows
	wg        sync.WaitGroup
}

var _ signaling.Session = (*session)(nil)

func newSession(d *Driver, ws *websocket.Conn, p signaling.JoinParams, room string, h signaling.Handler) *session {
	return &session{d: d, ws: ws, p: p, room: room, h: h, q: evq.New(), dcOpen: make(chan struct{}),
		published: map[string]chan *livekit.TrackInfo{}, members: map[string]*member{}, bySid: map[string]string{},
		recv: p.RecvMode, view: p.ViewHeight, override: map[string][2]bool{}, subs: map[string]*subState{},
		local: map[webrtc.RTPCodecType]string{}, pingEvery: 5 * time.Second, pingLimit: 15 * time.Second,
		readerEnd: make(chan struct{}), stop: make(chan struct{})}
}

// start reads the JoinResponse, builds both PeerConnections, starts the
// goroutines and publishes the tracks. It returns once the room is
// entered and the tracks are accepted.
func (s *session) start(ctx context.Context) error {
	if dl, ok := ctx.Deadline(); ok {
		_ = s.ws.SetReadDeadline(dl)
	} else {
		_ = s.ws.SetReadDeadline(time.Now().Add(15 * time.Second))
	}
	var join *livekit.JoinResponse
	for join == nil {
		res, err := s.read()
		if err != nil {
			return fmt.Errorf("livekit: waiting for the join response: %w", err)
		}
		switch m := res.Message.(type) {
		case *livekit.SignalResponse_Join:
			join = m.Join
		case *livekit.SignalResponse_Leave:
			return &signaling.Error{Code: codes.EnterRoomFailed, Message: "livekit: the server refused the join: " + m.Leave.GetReason().String()}
		}
	}
	s.self = join.GetParticipant().GetIdentity()
	if iv := join.GetPingInterval(); iv > 0 {
		s.pingEvery = time.Duration(iv) * time.Second
	}
	if to := join.GetPingTimeout(); to > 0 {
		s.pingLimit = time.Duration(to) * time.Second
	}
	ice := iceServers(join.GetIceServers())
	var err error
	if s.sub, err = s.newNegotiator(livekit.SignalTarget_SUBSCRIBER, ice); err != nil {
		return err
	}
	publishes := len(s.p.Tracks) > 0 || s.p.IM
	if publishes {
		if s.pub, err = s.newNegotiator(livekit.SignalTarget_PUBLISHER, ice); err != nil {
			return err
		}
	}
	s.wireSubscriber()
	s.joined(join) // before the reader: its updates apply to this state
	s.wg.Add(3)
	go s.reader()
	go s.dispatch()
	go s.pinger()
	if publishes {
		if err := s.publish(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (s *session) read() (*livekit.SignalResponse, error) {
	for {
		t, b, err := s.ws.ReadMessage()
		if err != nil {
			return nil, err
		}
		if t != websocket.BinaryMessage {
			continue
		}
		res := &livekit.SignalResponse{}
		if err := proto.Unmarshal(b, res); err != nil {
			s.d.log.Warn("livekit: undecodable signal response", "err", err)
			continue
		}
		return res, nil
	}
}

func (s *session) send(req *livekit.SignalRequest) error {
	b, err := proto.Marshal(req)
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = s.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.ws.WriteMessage(websocket.BinaryMessage, b)
}

// reader handles server messages until the connection ends.
func (s *session) reader() {
	defer s.wg.Done()
	var endErr error
	defer func() {
		close(s.readerEnd)
		if !s.terminal.Swap(true) {
			s.q.Push(signaling.Disconnected{Err: endErr})
		}
	}()
	for {
		_ = s.ws.SetReadDeadline(time.Now().Add(s.pingLimit + s.pingEvery))
		res, err := s.read()
		if err != nil {
			endErr = err
			return
		}
		if err := s.handle(res); err != nil {
			endErr = err
			return
		}
	}
}

// handle processes one server message; an error ends the session.
func (s *session) handle(res *livekit.SignalResponse) error {
	switch m := res.Message.(type) {
	case *livekit.SignalResponse_Update:
		s.d.log.Debug("livekit: participant update", "user", s.p.UserID, "n", len(m.Update.GetParticipants()))
		s.update(m.Update.GetParticipants())
	case *livekit.SignalResponse_Offer:
		s.d.log.Debug("livekit: subscriber offer", "user", s.p.UserID, "id", m.Offer.GetId())
		if err := s.sub.answerOffer(m.Offer); err != nil && !s.terminal.Load() {
			s.q.Push(signaling.Failure{Err: &signaling.Error{Code: codes.ErrJoinRoom, Message: err.Error()}})
		}
	case *livekit.SignalResponse_Answer:
		s.d.log.Debug("livekit: publisher answer", "user", s.p.UserID)
		if s.pub != nil {
			if err := s.pub.applyAnswer(m.Answer); err != nil && !s.terminal.Load() {
				s.q.Push(signaling.Failure{Err: &signaling.Error{Code: codes.ErrPushDisconnect, Message: err.Error()}})
			}
		}
	case *livekit.SignalResponse_Trickle:
		n := s.sub
		if m.Trickle.GetTarget() == livekit.SignalTarget_PUBLISHER {
			n = s.pub
		}
		if n != nil {
			n.addRemoteCandidate(m.Trickle)
		}
	case *livekit.SignalResponse_TrackPublished:
		s.pubMu.Lock()
		ch := s.published[m.TrackPublished.GetCid()]
		s.pubMu.Unlock()
		if ch != nil {
			ch <- m.TrackPublished.GetTrack()
		}
	case *livekit.SignalResponse_RequestResponse:
		s.refused(m.RequestResponse)
	case *livekit.SignalResponse_SubscriptionResponse:
		if r := m.SubscriptionResponse; r.GetErr() != livekit.SubscriptionError_SE_UNKNOWN {
			s.q.Push(signaling.Failure{Err: &signaling.Error{Code: codes.ErrCenterNoRequestVideo, Message: "livekit: subscription to " + r.GetTrackSid() + ": " + r.GetErr().String()}})
		}
	case *livekit.SignalResponse_Leave:
		return s.left(m.Leave)
	case *livekit.SignalResponse_SubscribedQualityUpdate:
		s.qualityUpdate(m.SubscribedQualityUpdate)
	case *livekit.SignalResponse_Mute:
		// The server (RoomService MutePublishedTrack) muted our track: the
		// others see it in their ParticipantUpdate; nothing to tell the bot.
		s.d.log.Debug("livekit: track muted by the server", "track", m.Mute.GetSid(), "muted", m.Mute.GetMuted())
	}
	return nil
}

// left handles the server's LeaveRequest: kicks become Kicked, the rest
// Disconnected (by the reader's exit).
func (s *session) left(l *livekit.LeaveRequest) error {
	reason := map[livekit.DisconnectReason]signaling.KickReason{
		livekit.DisconnectReason_DUPLICATE_IDENTITY:  signaling.KickDuplicateLogin,
		livekit.DisconnectReason_PARTICIPANT_REMOVED: signaling.KickByAdmin,
		livekit.DisconnectReason_ROOM_DELETED:        signaling.KickRoomDismissed,
		livekit.DisconnectReason_ROOM_CLOSED:         signaling.KickRoomDismissed,
	}[l.GetReason()]
	if reason != "" && !s.terminal.Swap(true) {
		s.q.Push(signaling.Kicked{Reason: reason, Message: "livekit: " + l.GetReason().String()})
	}
	return errors.New("livekit: the server ended the session: " + l.GetReason().String())
}

// refused handles a RequestResponse: a refused publish (no canPublish
// for the source) is the reference service's "privilege bit missing"
// error, -100006 for audio and -102013 for video, and the track is not
// sent; other refusals are Failures with LiveKit's reason.
func (s *session) refused(r *livekit.RequestResponse) {
	if r.GetReason() == livekit.RequestResponse_OK {
		return
	}
	code := codes.ErrJoinRoom
	if at := r.GetAddTrack(); at != nil {
		code = codes.ErrServerPrivilegeFlag
		if at.GetType() == livekit.TrackType_VIDEO {
			code = codes.ErrCenterNoPushVideoPerm
		}
		s.pubMu.Lock()
		ch := s.published[at.GetCid()]
		s.pubMu.Unlock()
		if ch != nil {
			ch <- nil
		}
	}
	s.q.Push(signaling.Failure{Err: &signaling.Error{Code: code, Message: "livekit: " + r.GetReason().String() + " " + r.GetMessage()}})
}

// dispatch delivers events to the Handler in order until the queue
// closes; nothing is delivered after a terminal event.
func (s *session) dispatch() {
	defer s.wg.Done()
	evq.Dispatch(s.q, s.h)
}

// pinger sends pings at the server's interval (it drops a silent client
// after its ping timeout).
func (s *session) pinger() {
	defer s.wg.Done()
	t := time.NewTicker(s.pingEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.readerEnd:
			return
		case <-t.C:
			_ = s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Ping{Ping: time.Now().UnixMilli()}})
		}
	}
}

// Do carries out one request.
func (s *session) Do(ctx context.Context, r signaling.Request) error {
	select {
	case <-s.readerEnd:
		return signaling.ErrClosed
	case <-s.stop:
		return signaling.ErrClosed
	default:
	}
	switch r := r.(type) {
	case signaling.SetLocalMedia:
		return s.setLocalMedia(r)
	case signaling.SetRemoteMedia:
		s.mu.Lock()
		if r.Clear {
			delete(s.override, r.UserID) // recvmode applies again
		} else {
			s.override[r.UserID] = [2]bool{r.Audio, r.Video}
		}
		s.mu.Unlock()
		return s.resubscribe(r.UserID)
	case signaling.SetRecvMode:
		s.mu.Lock()
		s.recv = r.Mode
		clear(s.override)
		s.mu.Unlock()
		return s.resubscribe("")
	case signaling.SendMessage:
		return s.sendIM(ctx, r.Message)
	case signaling.SetVideoView:
		s.mu.Lock()
		s.view = r.Height
		var sids []string
		for sid, st := range s.subs {
			if st.kind == livekit.TrackType_VIDEO && st.subscribed && !st.disabled {
				sids = append(sids, sid)
			}
		}
		set := s.viewSettings(sids)
		s.mu.Unlock()
		if len(sids) == 0 {
			return nil
		}
		return s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_TrackSetting{TrackSetting: set}})
	}
	return fmt.Errorf("livekit: unsupported request %T", r)
}

// setLocalMedia mutes or unmutes the published tracks.
func (s *session) setLocalMedia(r signaling.SetLocalMedia) error {
	s.mu.Lock()
	audio, video := s.local[webrtc.RTPCodecTypeAudio], s.local[webrtc.RTPCodecTypeVideo]
	s.mu.Unlock()
	for _, t := range []struct {
		sid   string
		muted bool
	}{{audio, r.AudioMuted}, {video, r.VideoOff}} {
		if t.sid == "" {
			continue
		}
		if err := s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Mute{Mute: &livekit.MuteTrackRequest{Sid: t.sid, Muted: t.muted}}}); err != nil {
			return fmt.Errorf("livekit: mute: %w: %w", signaling.ErrClosed, err)
		}
	}
	return nil
}

// Leave says goodbye and releases everything. It is idempotent.
func (s *session) Leave(ctx context.Context) error {
	s.leaveOnce.Do(func() {
		s.terminal.Store(true) // no Disconnected for our own hang-up
		err := s.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Leave{Leave: &livekit.LeaveRequest{Reason: livekit.DisconnectReason_CLIENT_INITIATED}}})
		if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
			select {
			case <-s.readerEnd: // already gone: nothing to say goodbye to
			default:
				s.leaveErr = fmt.Errorf("livekit: leave: %w", err)
			}
		}
		// The server closes the socket after a leave; wait briefly for it.
		t := time.NewTimer(DefaultLeaveTimeout)
		select {
		case <-s.readerEnd:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
		s.shutdown()
	})
	return s.leaveErr
}

// shutdown closes the socket and the PeerConnections, drops undelivered
// events and waits for every goroutine of the session.
func (s *session) shutdown() {
	s.stopOnce.Do(func() {
		close(s.stop)
		s.q.Close(true)
		s.wmu.Lock()
		_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		s.wmu.Unlock()
		_ = s.ws.Close()
		s.closePCs()
		s.wg.Wait()
	})
}

// DefaultCloseTimeout bounds the wait for a PeerConnection to close.
const DefaultCloseTimeout = 5 * time.Second

// closePCs closes both PeerConnections gracefully (pion's goroutines have
// ended when it returns), each bounded by DefaultCloseTimeout: when the
// server ends DTLS first (it does after a leave), pion closes the
// connection itself, and that close was seen to hang for minutes in
// sctp.Association.Abort (pion/sctp v1.12.0) under load, with
// GracefulClose waiting for it. Then the session ends anyway and says so;
// the hung pion goroutines are pion's.
func (s *session) closePCs() {
	var wg sync.WaitGroup
	for _, n := range []*negotiator{s.pub, s.sub} {
		if n == nil {
			continue
		}
		n.mu.Lock()
		if n.hold != nil {
			n.hold.Stop()
		}
		n.mu.Unlock()
		done := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTimer(DefaultCloseTimeout)
			defer t.Stop()
			select {
			case <-done:
			case <-t.C:
				s.d.log.Warn("livekit: peer connection did not close in time (pion); leaving it", "user", s.p.UserID, "pc", n.target.String())
			}
		}()
		go func() {
			_ = n.pc.GracefulClose()
			close(done)
		}()
	}
	wg.Wait()
}
