package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
)

// emit stamps e with time, bot and room and sends it to the sink; while the
// bot is still entering, it holds e until 1018 has been raised.
func (b *Bot) emit(e reports.Event) {
	b.stamp(&e)
	b.mu.Lock()
	if !b.emitting.entered {
		b.emitting.pending = append(b.emitting.pending, e)
		b.mu.Unlock()
		return
	}
	b.mu.Unlock()
	b.deliver(e)
}

// emitNow sends e at once (events of a failed enter).
func (b *Bot) emitNow(e reports.Event) {
	b.stamp(&e)
	b.deliver(e)
}

func (b *Bot) stamp(e *reports.Event) {
	if e.Time.IsZero() {
		e.Time = b.now()
	}
	b.mu.Lock()
	e.User, e.Room = b.userID, b.room
	b.mu.Unlock()
}

func (b *Bot) deliver(e reports.Event) {
	if b.cfg.Debug {
		b.log.Debug("event", "user", e.User, "event", e.Event, "code", e.Code, "remote", e.Remote, "track", e.Track, "msg", e.Message)
	}
	b.sink.WriteEvent(e)
}

// entered raises 1018 (and the IM sign-in events when IM is on), then
// releases the events held while entering, in order.
func (b *Bot) entered(joinMs float64) {
	first := []reports.Event{{Kind: reports.KindRoom, Event: reports.EvEntered, Code: codes.EnteredRoom, Value: joinMs}}
	if b.cfg.EnableIM {
		// The native protocol signs in to IM and joins the room's group as
		// part of entering (JoinParams.IM); a successful Join is both.
		first = append(first,
			reports.Event{Kind: reports.KindIM, Event: reports.EvLoginEvent, Tag: reports.EvLoginEvent, Message: "login success"},
			reports.Event{Kind: reports.KindIM, Event: reports.EvConnectionEvent, Tag: reports.EvConnectionEvent, Message: "connection is on"},
			reports.Event{Kind: reports.KindIM, Event: reports.EvJoinGroupEvent, Tag: reports.EvJoinGroupEvent, Message: "JoinedSuccess"},
		)
	}
	for i := range first {
		b.stamp(&first[i])
	}
	// Hold b.mu while flushing so that an event raised concurrently by the
	// driver cannot overtake the held ones.
	b.mu.Lock()
	defer b.mu.Unlock()
	// Held events arrived while entering, a moment before 1018 was raised;
	// they follow it, so their times must not precede it either.
	for i := range b.emitting.pending {
		if b.emitting.pending[i].Time.Before(first[0].Time) {
			b.emitting.pending[i].Time = first[0].Time
		}
	}
	all := append(first, b.emitting.pending...)
	b.emitting.pending = nil
	b.emitting.entered = true
	for _, e := range all {
		if b.cfg.Debug {
			b.log.Debug("event", "user", e.User, "event", e.Event, "code", e.Code, "remote", e.Remote)
		}
		b.sink.WriteEvent(e)
	}
}

// handle is the session's signaling.Handler: it keeps the room state and
// raises the component's events.
func (b *Bot) handle(ev signaling.Event) {
	switch e := ev.(type) {
	case signaling.Members:
		var media []reports.Event
		for _, m := range e.List {
			media = append(media, b.addRemote(m, time.Time{})...)
		}
		b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvMembers, Code: codes.MemberList, Value: float64(len(e.List)),
			Message: memberNames(e.List)})
		for _, ev := range media {
			b.emit(ev)
		}
		if max := b.cfg.MaxMembers; max > 0 && len(e.List) > max {
			b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvError, Tag: "error", Code: codes.ErrExceedsMaxMember,
				Message: fmt.Sprintf("room is full: at most %d members", max+1)})
		}
	case signaling.UserEntered:
		media := b.addRemote(e.Member, b.now())
		b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvRemoteEntered, Code: codes.RemoteUserEntered, Remote: e.Member.UserID})
		for _, ev := range media {
			b.emit(ev)
		}
	case signaling.UserLeft:
		b.removeRemote(e.UserID)
		b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvRemoteLeft, Code: codes.RemoteUserLeft, Remote: e.UserID})
	case signaling.RemoteMedia:
		b.remoteMedia(e)
	case signaling.RemoteTrack:
		b.addRemoteTrack(e)
	case signaling.LayerDemand:
		b.layerDemand(e)
	case signaling.Message:
		name := reports.EvBigGroupMsg
		if e.To != "" {
			name = reports.EvMsgNotify
		}
		text := e.Text
		if e.Type == signaling.MessageCustom {
			text = e.Data
		}
		b.emit(reports.Event{Kind: reports.KindIM, Event: name, Tag: name, Remote: e.From, Message: text})
	case signaling.Kicked:
		b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvKicked, Message: string(e.Reason)})
		b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvLeft, Code: codes.LeftRoom, Message: "kicked: " + string(e.Reason)})
		b.sessionEnded()
	case signaling.Failure:
		code, msg := 0, ""
		if e.Err != nil {
			code, msg = e.Err.Code, e.Err.Error()
		}
		b.emit(reports.Event{Kind: reports.KindRoom, Event: reports.EvError, Tag: "error", Code: code, Message: msg})
	}
	// signaling.Disconnected is handled before this (handlerFor): it
	// starts reconnecting.
}

// sessionEnded marks a session the server ended (kick, lost connection):
// actions fail from now on; Stop still releases the resources.
func (b *Bot) sessionEnded() {
	b.mu.Lock()
	if b.state == stateIn || b.state == stateStarting {
		b.state = stateOut
	}
	b.mu.Unlock()
	b.endOnce.Do(func() { close(b.ended) })
}

// maxListedMembers bounds the names a members event carries: rooms may
// hold a thousand members, and the event goes to every report line.
const maxListedMembers = 20

func memberNames(list []signaling.Member) string {
	var b strings.Builder
	for i, m := range list {
		if i == maxListedMembers {
			fmt.Fprintf(&b, ",… (%d more)", len(list)-i)
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(m.UserID)
	}
	return b.String()
}
