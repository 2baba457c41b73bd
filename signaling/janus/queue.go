package janus

import (
	"sync"

	"github.com/roombot/roombot/signaling"
)

// queue is an unbounded FIFO between producers that must never block (the
// WebSocket reader, pion callbacks) and one consumer goroutine: events for
// the Handler, and the worker's jobs.
type queue[T any] struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []T
	closed bool
}

func newQueue[T any]() *queue[T] {
	q := &queue[T]{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Push appends v; it is dropped after Close.
func (q *queue[T]) Push(v T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.items = append(q.items, v)
	q.cond.Signal()
}

// Pop blocks for the next item; ok is false once closed and drained.
func (q *queue[T]) Pop() (v T, ok bool) {
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

// Close ends the queue; with discard, undelivered items are dropped.
func (q *queue[T]) Close(discard bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if discard {
		q.items = nil
	}
	q.cond.Broadcast()
}

// dispatch delivers q's events to h in order until q closes; after a
// terminal event (Kicked, Disconnected) it closes q, so nothing follows.
func dispatch(q *queue[signaling.Event], h signaling.Handler) {
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
