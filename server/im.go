package server

import (
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/protocol"
)

// imSize is the size of a message as the reference limits it: the text, or
// data+desc+ext of a custom message, in bytes.
func imSize(m *protocol.IM) int {
	if m.Kind == protocol.IMCustom {
		return len(m.Data) + len(m.Desc) + len(m.Ext)
	}
	return len(m.Text)
}

// sendIM delivers a group message to the IM members of the sender's room
// (group id = room id), or a C2C message to every session of the receiver
// in the same app. Codes are the component's fail codes (reference §4.2).
func (s *Server) sendIM(p *participant, m *protocol.IM) *protocol.Error {
	if m.Kind != protocol.IMText && m.Kind != protocol.IMCustom {
		return refusal(codes.ErrIMSendFailed, "kind %q: want text or custom", m.Kind)
	}
	if !p.im {
		return refusal(codes.ErrIMSendFailed, "IM is not enabled for this session (enter with im: true)")
	}
	size, limit := imSize(m), codes.MaxGroupMessageBytes
	if m.To != "" {
		limit = codes.MaxC2CMessageBytes
	}
	if size == 0 {
		return refusal(codes.ErrIMEmptyMessage, "empty message")
	}
	if size > limit {
		return refusal(codes.ErrIMTooLong, "message of %d bytes exceeds the limit of %d", size, limit)
	}
	msg := protocol.Message{From: p.userID, Kind: m.Kind, Text: m.Text, Data: m.Data, Desc: m.Desc, Ext: m.Ext,
		Time: time.Now().UnixMilli()}
	if m.To == "" {
		return s.sendGroup(p, msg)
	}
	return s.sendC2C(p, m.To, msg)
}

func (s *Server) sendGroup(p *participant, msg protocol.Message) *protocol.Error {
	r := p.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.gone {
		return refusal(codes.ErrIMSendFailed, "not in a room")
	}
	r.imSeq++
	msg.Group, msg.Seq = r.name, r.imSeq
	for _, m := range r.members {
		if m != p && m.im {
			m.c.send(protocol.TypeMessage, 0, &msg)
		}
	}
	s.metrics.im.WithLabelValues("group").Inc()
	return nil
}

func (s *Server) sendC2C(p *participant, to string, msg protocol.Message) *protocol.Error {
	s.mu.Lock()
	var targets []*participant
	for t := range s.users[p.room.key.app][to] {
		if t.im {
			targets = append(targets, t)
		}
	}
	s.c2cSeq++
	msg.Seq = s.c2cSeq
	s.mu.Unlock()
	if len(targets) == 0 {
		return refusal(codes.ErrIMNoReceiver, "user %q is not online with IM", to)
	}
	msg.To = to
	for _, t := range targets {
		t.c.send(protocol.TypeMessage, 0, &msg)
	}
	s.metrics.im.WithLabelValues("c2c").Inc()
	return nil
}
