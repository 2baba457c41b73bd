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
type Queue = FIFO[signaling.Event]

// New returns an empty, open Queue.
func New() *Queue { return NewFIFO[signaling.Event]() }

// FIFO is an unbounded first-in first-out queue of T between producers
// that must never block and one consumer. It is safe for concurrent use.
type FIFO[T any] struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []T
	closed bool
}

// NewFIFO returns an empty, open FIFO.
func NewFIFO[T any]() *FIFO[T] {
	q := &FIFO[T]{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Push appends v; it is dropped after close.
func (q *FIFO[T]) Push(v T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.items = append(q.items, v)
	q.cond.Signal()
}

// Pop blocks for the next item; ok is false once closed and drained.
func (q *FIFO[T]) Pop() (v T, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return v, false
	}
	v = q.items[0]
	var zero T
	q.items[0] = zero
	q.items = q.items[1:]
	return v, true
}

// Close ends the queue; when discard is set, undelivered items are dropped.
func (q *FIFO[T]) Close(discard bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if discard {
		q.items = nil
	}
	q.cond.Broadcast()
}

// Dispatch delivers q's events to h in order until q closes; after a
// terminal event (Kicked, Disconnected) the rest is discarded, so nothing
// is delivered after it. It is a driver's dispatcher goroutine.
func Dispatch(q *Queue, h signaling.Handler) {
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
