package native

import (
	"errors"
	"fmt"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
	"github.com/roombot/roombot/signaling"
)

// reader reads server messages until the connection ends. It answers
// offers itself, routes replies to Do, and queues everything else as events.
func (s *session) reader() {
	defer s.wg.Done()
	var endErr error
	defer func() {
		close(s.readerEnd)
		select {
		case s.entered <- fmt.Errorf("native: connection ended before entering: %w", endErr):
		default:
		}
		if !s.terminal.Swap(true) {
			s.q.Push(signaling.Disconnected{Err: endErr})
		}
	}()
	for {
		_ = s.ws.SetReadDeadline(time.Now().Add(3 * time.Duration(s.heartbeat.Load())))
		_, b, err := s.ws.ReadMessage()
		if err != nil {
			endErr = err
			return
		}
		m, err := protocol.Decode(b)
		if err != nil {
			s.d.log.Warn("undecodable server message", "err", err)
			continue
		}
		if err := s.handle(m); err != nil {
			endErr = err
			return
		}
	}
}

// handle processes one server message; an error ends the session.
func (s *session) handle(m protocol.Msg) error {
	switch b := m.Body.(type) {
	case *protocol.Reply:
		s.pmu.Lock()
		ch := s.pending[m.ID]
		s.pmu.Unlock()
		if ch != nil {
			ch <- *b
		}
	case *protocol.Entered:
		if b.Heartbeat > 0 {
			s.heartbeat.Store(int64(time.Duration(b.Heartbeat) * time.Millisecond))
		}
		s.entered <- nil
	case *protocol.EnterFailed:
		code := b.Error.Code
		if code == 0 {
			code = codes.EnterRoomFailed
		}
		err := &signaling.Error{Code: code, Message: b.Error.Message}
		s.terminal.Store(true) // Join reports it; no Disconnected event
		s.entered <- err
		return err
	case *protocol.Members:
		list := make([]signaling.Member, len(b.List))
		for i, x := range b.List {
			list[i] = member(x)
		}
		s.q.Push(signaling.Members{List: list})
	case *protocol.UserEntered:
		s.q.Push(signaling.UserEntered{Member: member(b.Member)})
	case *protocol.UserLeft:
		s.q.Push(signaling.UserLeft{UserID: b.UserID})
	case *protocol.RemoteState:
		s.q.Push(signaling.RemoteMedia{UserID: b.UserID, AudioMuted: b.AudioMuted, VideoOff: b.VideoOff})
	case *protocol.SDP: // an offer: the only SDP a server sends
		// An offer racing our own leave (the PeerConnection is closing)
		// is no failure of the room: drop it.
		if err := s.answer(b.SDP); err != nil && !s.terminal.Load() && s.pc.ConnectionState() != webrtc.PeerConnectionStateClosed {
			s.q.Push(signaling.Failure{Err: &signaling.Error{Code: codes.ErrJoinRoom, Message: err.Error()}})
		}
	case *protocol.Candidate:
		if b.Candidate != "" {
			if err := s.pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: b.Candidate, SDPMid: b.SDPMid, SDPMLineIndex: b.SDPMLineIndex}); err != nil {
				s.d.log.Debug("server candidate rejected", "err", err)
			}
		}
	case *protocol.Message:
		s.q.Push(signaling.Message{From: b.From, To: b.To, Group: b.Group, Type: signaling.MessageType(b.Kind),
			Text: b.Text, Data: b.Data, Desc: b.Desc, Ext: b.Ext, Seq: b.Seq, Time: time.UnixMilli(b.Time)})
	case *protocol.Kicked:
		if !s.terminal.Swap(true) {
			s.q.Push(signaling.Kicked{Reason: signaling.KickReason(b.Reason), Message: b.Message})
		}
		return errors.New("native: kicked: " + b.Reason)
	case *protocol.Error:
		s.q.Push(signaling.Failure{Err: &signaling.Error{Code: b.Code, Message: b.Message}})
	case nil: // pong
	}
	return nil
}

func member(m protocol.Member) signaling.Member {
	return signaling.Member{UserID: m.UserID, Publishing: m.Publishing, AudioMuted: m.AudioMuted, VideoOff: m.VideoOff}
}

// answer applies a server offer and sends the answer. On the first offer
// the local tracks are attached to the upstream m-lines the server offered
// (recvonly on its side); a track without such an m-line is not sent (the
// server has said why with an error event).
func (s *session) answer(sdp string) error {
	s.sdpMu.Lock()
	defer s.sdpMu.Unlock()
	if err := s.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		return fmt.Errorf("native: apply offer: %w", err)
	}
	if !s.answered {
		for _, t := range s.p.Tracks {
			if !s.hasUpstream(t.Kind()) {
				continue
			}
			sender, err := s.pc.AddTrack(t)
			if err != nil {
				return fmt.Errorf("native: attach %s track: %w", t.Kind(), err)
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				signaling.DrainRTCP(sender)
			}()
		}
	}
	ans, err := s.pc.CreateAnswer(nil)
	if err != nil {
		return fmt.Errorf("native: create answer: %w", err)
	}
	if err := s.pc.SetLocalDescription(ans); err != nil {
		return fmt.Errorf("native: set answer: %w", err)
	}
	s.answered = true
	if err := s.write(protocol.TypeAnswer, 0, &protocol.SDP{SDP: s.pc.LocalDescription().SDP}); err != nil {
		return fmt.Errorf("native: send answer: %w", err)
	}
	return nil
}

// hasUpstream reports whether the offer has a free upstream m-line of kind.
func (s *session) hasUpstream(kind webrtc.RTPCodecType) bool {
	for _, tr := range s.pc.GetTransceivers() {
		if tr.Kind() == kind && tr.Sender() == nil && tr.Direction() == webrtc.RTPTransceiverDirectionSendonly {
			return true
		}
	}
	return false
}
