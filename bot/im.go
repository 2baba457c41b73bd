package bot

import (
	"context"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
)

// SendGroupText sends a text message to the room's IM group
// (sendGroupTextMsg). A refusal is an *IMError with the component's code
// (-2 empty, -3 longer than 8898 bytes, -4 send failed) and raises
// send_failed.
func (b *Bot) SendGroupText(ctx context.Context, text string) error {
	return b.sendIM(ctx, signaling.Message{Type: signaling.MessageText, Text: text})
}

// SendGroupCustom sends a custom message {data, desc, ext} to the group.
func (b *Bot) SendGroupCustom(ctx context.Context, data, desc, ext string) error {
	return b.sendIM(ctx, signaling.Message{Type: signaling.MessageCustom, Data: data, Desc: desc, Ext: ext})
}

// SendC2CText sends a text message to one user (sendC2CTextMsg); -1 when
// to is empty, -3 past 12000 bytes.
func (b *Bot) SendC2CText(ctx context.Context, to, text string) error {
	if to == "" {
		return b.imFail(codes.ErrIMNoReceiver, nil)
	}
	return b.sendIM(ctx, signaling.Message{To: to, Type: signaling.MessageText, Text: text})
}

// SendC2CCustom sends a custom message {data, desc, ext} to one user.
func (b *Bot) SendC2CCustom(ctx context.Context, to, data, desc, ext string) error {
	if to == "" {
		return b.imFail(codes.ErrIMNoReceiver, nil)
	}
	return b.sendIM(ctx, signaling.Message{To: to, Type: signaling.MessageCustom, Data: data, Desc: desc, Ext: ext})
}

// sendIM checks the message like the component does, then sends it.
func (b *Bot) sendIM(ctx context.Context, m signaling.Message) error {
	size := len(m.Text) + len(m.Data) + len(m.Desc) + len(m.Ext)
	limit := codes.MaxGroupMessageBytes
	if m.To != "" {
		limit = codes.MaxC2CMessageBytes
	}
	switch {
	case size == 0:
		return b.imFail(codes.ErrIMEmptyMessage, nil)
	case size > limit:
		return b.imFail(codes.ErrIMTooLong, nil)
	case !b.cfg.EnableIM:
		return b.imFail(codes.ErrIMSendFailed, errIMOff)
	}
	sess, err := b.liveSession()
	if err != nil {
		return b.imFail(codes.ErrIMSendFailed, err)
	}
	b.mu.Lock()
	m.From = b.userID
	if m.To == "" {
		m.Group = b.room
	}
	b.mu.Unlock()
	if err := sess.Do(ctx, signaling.SendMessage{Message: m}); err != nil {
		if signaling.CodeOf(err) == codes.ErrIMNoReceiver { // receiver offline, as the server says
			return b.imFail(codes.ErrIMNoReceiver, err)
		}
		return b.imFail(codes.ErrIMSendFailed, err)
	}
	return nil
}

// imFail raises send_failed and returns the *IMError.
func (b *Bot) imFail(code int, cause error) error {
	e := &IMError{Code: code, Err: cause}
	b.emit(reports.Event{Kind: reports.KindIM, Event: reports.EvIMSendFailed, Code: code, Message: e.Error()})
	return e
}

type imOffError struct{}

func (imOffError) Error() string { return "IM is off (enableIM false)" }

var errIMOff error = imOffError{}
