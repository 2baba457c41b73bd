package janus

import (
	"context"
	"log/slog"
	"sort"
	"sync"

	"github.com/gorilla/websocket"
	"github.com/roombot/roombot/signaling"
)

// WithBeforePublish runs f between entering the room and publishing.
func WithBeforePublish(f func()) Option {
	return func(d *Driver) error { d.beforePublish = f; return nil }
}

// ForceSubscribe makes sess subscribe to user now, as if user published
// video (mid 0) and audio (mid 1): a subscription to a participant that
// has joined but not published yet, which Janus answers with 428.
func ForceSubscribe(sess signaling.Session, user string) {
	s := sess.(*session)
	s.work.Push(func() {
		s.mu.Lock()
		for _, pe := range s.peers {
			if pe.user == user && !pe.publishing {
				pe.publishing = true
				pe.streams = []pubStream{{Type: "video", Mid: "0"}, {Type: "audio", Mid: "1"}}
			}
		}
		s.mu.Unlock()
		s.syncSubscriptions()
	})
}

// Retries428 is how often sess was answered 428 (or had a feed skipped).
func Retries428(sess signaling.Session) int64 { return sess.(*session).retries428.Load() }

// Participants lists the displays of room's VideoRoom participants, one
// entry per participant (a display twice: two participants).
func Participants(ctx context.Context, url string, room uint64) ([]string, error) {
	a := NewAdmin(url, "", "")
	var out []string
	err := a.with(ctx, pluginVideoRoom, func(h *handle) error {
		r, err := h.message(ctx, map[string]any{"request": "listparticipants", "room": room}, nil, false)
		if err != nil {
			return err
		}
		d, err := decodeVR(r)
		if err != nil {
			return err
		}
		for _, p := range d.Participants {
			out = append(out, p.Display)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// Bare is a VideoRoom participant that joins and then does nothing (a
// client that does not react to the room: another SDK, or one offline).
type Bare struct {
	c *conn
	// Kicked is closed when Janus tells it it was kicked.
	Kicked chan struct{}
}

// JoinBare joins room as a publisher (no media) with display.
func JoinBare(ctx context.Context, url string, room uint64, display string) (*Bare, error) {
	c, err := dial(ctx, websocket.DefaultDialer, url, nil, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		return nil, err
	}
	b := &Bare{c: c, Kicked: make(chan struct{})}
	var once sync.Once
	if err := c.createSession(ctx); err != nil {
		c.close(ctx)
		return nil, err
	}
	h, err := c.attach(ctx, pluginVideoRoom, func(m *msg) {
		if d, err := decodeVR(m); err == nil && d.Reason == "kicked" {
			once.Do(func() { close(b.Kicked) })
		}
	})
	if err == nil {
		_, err = h.message(ctx, map[string]any{"request": "join", "ptype": "publisher", "room": room, "display": display}, nil, true)
	}
	if err != nil {
		c.close(ctx)
		return nil, err
	}
	return b, nil
}

// Close ends the bare participant's Janus session.
func (b *Bare) Close() { b.c.close(context.Background()) }
