package livekit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/livekit/protocol/livekit"
	"github.com/pion/webrtc/v4"
	"google.golang.org/protobuf/proto"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
)

// IMTopic is the data-packet topic of roombot's IM messages.
const IMTopic = "roombot.im"

// imPayload is an IM message inside a data packet's payload.
type imPayload struct {
	Type signaling.MessageType `json:"type"`
	Text string                `json:"text,omitempty"`
	Data string                `json:"data,omitempty"`
	Desc string                `json:"desc,omitempty"`
	Ext  string                `json:"ext,omitempty"`
	To   string                `json:"to,omitempty"`
	Seq  uint64                `json:"seq"`
	Time int64                 `json:"time"` // Unix ms
}

// sendIM sends one message as a reliable data packet: to the room (every
// participant with IM on), or to one identity (C2C).
func (s *session) sendIM(ctx context.Context, m signaling.Message) error {
	if s.reliable == nil {
		return &signaling.Error{Code: codes.ErrIMSendFailed, Message: "livekit: IM is off for this participant"}
	}
	s.mu.Lock()
	_, known := s.members[m.To]
	s.imSeq++
	seq := s.imSeq
	s.mu.Unlock()
	if m.To != "" && !known {
		return &signaling.Error{Code: codes.ErrIMNoReceiver, Message: "livekit: " + m.To + " is not in the room"}
	}
	typ := m.Type
	if typ == "" {
		typ = signaling.MessageText
	}
	payload, err := json.Marshal(imPayload{Type: typ, Text: m.Text, Data: m.Data, Desc: m.Desc, Ext: m.Ext, To: m.To, Seq: seq, Time: time.Now().UnixMilli()})
	if err != nil {
		return err
	}
	topic := IMTopic
	up := &livekit.UserPacket{Payload: payload, Topic: &topic}
	pkt := &livekit.DataPacket{Kind: livekit.DataPacket_RELIABLE, Value: &livekit.DataPacket_User{User: up}}
	if m.To != "" {
		up.DestinationIdentities = []string{m.To}
		pkt.DestinationIdentities = []string{m.To}
	}
	b, err := proto.Marshal(pkt)
	if err != nil {
		return err
	}
	select { // the data channel opens with the publisher connection
	case <-s.dcOpen:
	case <-ctx.Done():
		return fmt.Errorf("livekit: IM: data channel not open: %w", ctx.Err())
	case <-s.readerEnd:
		return signaling.ErrClosed
	}
	if err := s.reliable.Send(b); err != nil {
		return fmt.Errorf("livekit: IM: %w", err)
	}
	return nil
}

// onData receives a data packet; roombot IM messages become Message
// events for a participant with IM on.
func (s *session) onData(msg webrtc.DataChannelMessage) {
	if !s.p.IM {
		return
	}
	pkt := &livekit.DataPacket{}
	if err := proto.Unmarshal(msg.Data, pkt); err != nil {
		return
	}
	up := pkt.GetUser()
	if up == nil || up.GetTopic() != IMTopic {
		return
	}
	var p imPayload
	if err := json.Unmarshal(up.GetPayload(), &p); err != nil {
		s.d.log.Debug("livekit: undecodable IM payload", "err", err)
		return
	}
	from := pkt.GetParticipantIdentity()
	if from == "" {
		from = up.GetParticipantIdentity()
	}
	ev := signaling.Message{From: from, To: p.To, Type: p.Type, Text: p.Text, Data: p.Data, Desc: p.Desc, Ext: p.Ext,
		Seq: p.Seq, Time: time.UnixMilli(p.Time)}
	if p.To == "" {
		ev.Group = s.room
	}
	s.q.Push(ev)
}
