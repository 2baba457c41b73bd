package janus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
)

// IM goes through the TextRoom plugin, not VideoRoom data channels:
// TextRoom has what TRTC's IM needs — group messages and whispers (C2C)
// to a username, the sender's username on every message, per-message
// acknowledgements ("sent" per receiver), and members who publish nothing
// (audience) can send too. VideoRoom data channels are per publisher,
// broadcast only, and unavailable to non-publishers.
//
// TextRoom carries text; a TRTC custom message {data, desc, ext} travels
// as a JSON object with the key customKey, which receivers of this
// driver turn back into a custom message.
const customKey = "roombot.custom"

type customBody struct {
	Data string `json:"data"`
	Desc string `json:"desc"`
	Ext  string `json:"ext"`
}

// textRoom is the participant's TextRoom handle: one PeerConnection with
// one data channel that carries the TextRoom requests and messages.
type textRoom struct {
	s  *session
	h  *handle
	pc *webrtc.PeerConnection
	dc *webrtc.DataChannel

	next    atomic.Uint64
	mu      sync.Mutex
	pending map[string]chan trReply
}

// trReply is a TextRoom message on the data channel.
type trReply struct {
	TextRoom    string          `json:"textroom"`
	Transaction string          `json:"transaction"`
	ErrorCode   int             `json:"error_code"`
	Error       string          `json:"error"`
	Room        json.RawMessage `json:"room"`
	From        string          `json:"from"`
	Date        string          `json:"date"`
	Text        string          `json:"text"`
	Whisper     bool            `json:"whisper"`
	Sent        map[string]bool `json:"sent"`
}

func (r trReply) err() error {
	if r.TextRoom == "error" || r.ErrorCode != 0 {
		return &Error{Code: r.ErrorCode, Reason: r.Error, Plugin: pluginTextRoom}
	}
	return nil
}

// joinTextRoom sets up the TextRoom PeerConnection and joins the room's
// text room under the userID (creating it like the VideoRoom). takeover:
// an earlier session of this userID is in the room and may still hold the
// username (TextRoom 420) until it has left (takeover.go): the join is
// retried, and with the room secret that session is kicked at last.
func (s *session) joinTextRoom(ctx context.Context, takeover bool) (*textRoom, error) {
	t := &textRoom{s: s, pending: map[string]chan trReply{}}
	var err error
	if t.h, err = s.c.attach(ctx, pluginTextRoom, func(*msg) {}); err != nil {
		return nil, err
	}
	r, err := t.h.message(ctx, map[string]any{"request": "setup"}, nil, true)
	if err != nil {
		return nil, refusal("textroom setup", err)
	}
	if r.JSEP == nil || r.JSEP.Type != webrtc.SDPTypeOffer {
		return nil, errors.New("janus: textroom setup answered without an offer")
	}
	if t.pc, err = s.newPC(t.h); err != nil {
		return nil, err
	}
	if err := t.pc.SetRemoteDescription(dtlsServerOffer(*r.JSEP)); err != nil {
		return t, fmt.Errorf("janus: apply textroom offer: %w", err)
	}
	if t.dc, err = t.pc.CreateDataChannel("JanusDataChannel", nil); err != nil {
		return t, fmt.Errorf("janus: textroom data channel: %w", err)
	}
	open := make(chan struct{})
	t.dc.OnOpen(func() { close(open) })
	t.dc.OnMessage(t.onMessage)
	ans, err := t.pc.CreateAnswer(nil)
	if err != nil {
		return t, fmt.Errorf("janus: textroom answer: %w", err)
	}
	if err := t.pc.SetLocalDescription(ans); err != nil {
		return t, fmt.Errorf("janus: set textroom answer: %w", err)
	}
	if _, err := t.h.message(ctx, map[string]any{"request": "ack"}, t.pc.LocalDescription(), true); err != nil {
		return t, fmt.Errorf("janus: textroom ack: %w", err)
	}
	select {
	case <-open:
	case <-ctx.Done():
		return t, fmt.Errorf("janus: textroom data channel: %w", ctx.Err())
	case <-s.stop:
		return t, signaling.ErrClosed
	}
	join := map[string]any{"textroom": "join", "room": s.room, "username": s.p.UserID, "display": s.p.UserID, "history": false}
	if s.d.pin != "" {
		join["pin"] = s.d.pin
	}
	if tok := s.token(); tok != "" {
		join["token"] = tok
	}
	_, err = t.request(ctx, join)
	if isCode(err, TextNoSuchRoom) && s.d.create {
		if err := s.createRoom(ctx, t.h, pluginTextRoom); err != nil {
			return t, err
		}
		_, err = t.request(ctx, join)
	}
	for i := 0; takeover && isCode(err, TextUsernameExists) && i <= takeoverRetries; i++ {
		if i == takeoverRetries {
			if s.d.room.Secret == "" {
				break
			}
			if _, kerr := t.request(ctx, map[string]any{"textroom": "kick", "room": s.room, "username": s.p.UserID, "secret": s.d.room.Secret}); kerr != nil {
				s.d.log.Debug("janus: textroom kick of the previous session", "err", kerr)
			}
		} else if err := s.sleep(ctx, min(50*time.Millisecond<<i, 400*time.Millisecond)); err != nil {
			return t, err
		}
		_, err = t.request(ctx, join)
	}
	if err != nil {
		return t, refusal("textroom join", err)
	}
	return t, nil
}

// sleep waits d, or until ctx ends or the session stops.
func (s *session) sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stop:
		return signaling.ErrClosed
	}
}

// request sends one TextRoom request on the data channel and waits for its
// answer.
func (t *textRoom) request(ctx context.Context, body map[string]any) (trReply, error) {
	tx := "tr" + strconv.FormatUint(t.next.Add(1), 36)
	body["transaction"] = tx
	b, err := json.Marshal(body)
	if err != nil {
		return trReply{}, err
	}
	ch := make(chan trReply, 1)
	t.mu.Lock()
	t.pending[tx] = ch
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		delete(t.pending, tx)
		t.mu.Unlock()
	}()
	if err := t.dc.SendText(string(b)); err != nil {
		return trReply{}, fmt.Errorf("janus textroom %s: %w", body["textroom"], err)
	}
	select {
	case r := <-ch:
		return r, r.err()
	case <-ctx.Done():
		return trReply{}, fmt.Errorf("janus textroom %s: %w", body["textroom"], ctx.Err())
	case <-t.s.stop:
		return trReply{}, signaling.ErrClosed
	}
}

// onMessage handles the data channel (pion goroutine): answers to
// requests, and incoming messages.
func (t *textRoom) onMessage(dm webrtc.DataChannelMessage) {
	var r trReply
	if err := json.Unmarshal(dm.Data, &r); err != nil {
		t.s.d.log.Warn("janus: undecodable textroom message", "err", err)
		return
	}
	if r.Transaction != "" {
		t.mu.Lock()
		ch := t.pending[r.Transaction]
		t.mu.Unlock()
		if ch != nil {
			ch <- r
			return
		}
	}
	if r.TextRoom != "message" || (!r.Whisper && r.From == t.s.p.UserID) {
		return // joins and leaves come from the VideoRoom; no echo of our own group messages
	}
	m := signaling.Message{From: r.From, Type: signaling.MessageText, Text: r.Text, Time: parseDate(r.Date)}
	if r.Whisper {
		m.To = t.s.p.UserID
	} else {
		m.Group = strconv.FormatUint(t.s.room, 10)
	}
	var c map[string]customBody
	if json.Unmarshal([]byte(r.Text), &c) == nil {
		if cb, ok := c[customKey]; ok && len(c) == 1 {
			m.Type, m.Text, m.Data, m.Desc, m.Ext = signaling.MessageCustom, "", cb.Data, cb.Desc, cb.Ext
		}
	}
	t.s.q.Push(m)
}

// parseDate reads TextRoom's date (strftime "%FT%T%z"); the receive time
// when it does not parse.
func parseDate(s string) time.Time {
	if t, err := time.Parse("2006-01-02T15:04:05-0700", s); err == nil {
		return t
	}
	return time.Now()
}

// send sends a group message or a whisper and checks Janus's per-receiver
// delivery report.
func (t *textRoom) send(ctx context.Context, m signaling.Message) error {
	text := m.Text
	if m.Type == signaling.MessageCustom {
		b, err := json.Marshal(map[string]customBody{customKey: {Data: m.Data, Desc: m.Desc, Ext: m.Ext}})
		if err != nil {
			return err
		}
		text = string(b)
	}
	body := map[string]any{"textroom": "message", "room": t.s.room, "text": text, "ack": true}
	if m.To != "" {
		body["to"] = m.To
	}
	r, err := t.request(ctx, body)
	if err != nil {
		return &signaling.Error{Code: codes.ErrIMSendFailed, Message: err.Error()}
	}
	if m.To != "" && !r.Sent[m.To] {
		return &signaling.Error{Code: codes.ErrIMSendFailed, Message: fmt.Sprintf("janus textroom: %q is not in room %d", m.To, t.s.room)}
	}
	return nil
}
