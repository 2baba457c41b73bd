// Package evq is the event queue between a driver's producers (its
// signaling reader, pion callbacks) and the goroutine that calls the
// Handler, shared by the drivers under signaling/.
package evq

import (
	"sync"

	"github.com/roombot/roombot/signaling"
)

// Queue is an unbounded FIFO of events between the producers (reader,
// pion's OnTrack) and the dispatcher, so that a slow Handler never stalls
// signaling (replies keep flowing, and a Handler may call Do).
type Queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []signaling.Event
	closed bool
}

// New returns an empty, open Queue.
func New() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Push appends e; it is dropped after close.
func (q *Queue) Push(e signaling.Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.items = append(q.items, e)
	q.cond.Signal()
}

// Pop blocks for the next event; ok is false once closed and drained.
func (q *Queue) Pop() (signaling.Event, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return nil, false
	}
	e := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	return e, true
}

// Close ends the queue; when discard is set, undelivered events are dropped.
func (q *Queue) Close(discard bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if discard {
		q.items = nil
	}
	q.cond.Broadcast()
}
