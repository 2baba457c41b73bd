package native

import (
	"sync"

	"github.com/roombot/roombot/signaling"
)

// queue is an unbounded FIFO of events between the producers (reader,
// pion's OnTrack) and the dispatcher, so that a slow Handler never stalls
// signaling (replies keep flowing, and a Handler may call Do).
type queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []signaling.Event
	closed bool
}

func newQueue() *queue {
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// push appends e; it is dropped after close.
func (q *queue) push(e signaling.Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.items = append(q.items, e)
	q.cond.Signal()
}

// pop blocks for the next event; ok is false once closed and drained.
func (q *queue) pop() (signaling.Event, bool) {
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

// close ends the queue; when discard is set, undelivered events are dropped.
func (q *queue) close(discard bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if discard {
		q.items = nil
	}
	q.cond.Broadcast()
}
