package janus

import (
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/internal/evq"
)

// dispatch delivers q's events to h in order until q closes; after a
// terminal event (Kicked, Disconnected) it closes q, so nothing follows.
func dispatch(q *evq.Queue, h signaling.Handler) {
	for {
		e, ok := q.Pop()
		if !ok {
			return
		}
		h(e)
		switch e.(type) {
		case signaling.Kicked, signaling.Disconnected:
			q.Close(true)
		}
	}
}
