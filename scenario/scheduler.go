package scenario

import (
	"container/heap"
	"context"
	"time"
)

// scheduler fires planned actions at their time: one min-heap of due
// actions and one timer for all of them, so that the cost of waiting does
// not grow with the number of bots. fire must not block: it hands the
// action to a worker.
type scheduler struct {
	h     dueHeap
	now   func() time.Time
	start time.Time
	fire  func(a *Action, scheduled, fired time.Time)
}

type due struct {
	at  time.Duration
	seq int // plan order breaks ties
	a   *Action
}

type dueHeap []due

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(due)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newScheduler(actions []Action, start time.Time, now func() time.Time, fire func(*Action, time.Time, time.Time)) *scheduler {
	s := &scheduler{now: now, start: start, fire: fire}
	s.h = make(dueHeap, 0, len(actions))
	for i := range actions {
		s.h = append(s.h, due{at: actions[i].At, seq: i, a: &actions[i]})
	}
	heap.Init(&s.h)
	return s
}

// run fires every action whose time comes before end, then waits for end.
// It returns early (false) when ctx is done.
func (s *scheduler) run(ctx context.Context, end time.Duration) bool {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		next := end
		if len(s.h) > 0 && s.h[0].at < end {
			next = s.h[0].at
		}
		wait := s.start.Add(next).Sub(s.now())
		if wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return false
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return false
		}
		now := s.now()
		elapsed := now.Sub(s.start)
		for len(s.h) > 0 && s.h[0].at <= elapsed && s.h[0].at < end {
			d := heap.Pop(&s.h).(due)
			s.fire(d.a, s.start.Add(d.at), s.now())
		}
		if elapsed >= end {
			return true
		}
	}
}
