package netem

import (
	"container/heap"
	"net"
	"sync"
	"time"
)

// line holds datagrams until their due time and then hands them to out,
// earliest first. One goroutine per line owns the handing out; close stops
// it and waits for it. Datagrams still held at close are dropped.
type line struct {
	out  func(b []byte, addr net.Addr)
	pool sync.Pool

	mu   sync.Mutex
	q    dueHeap
	seq  uint64    // ties keep their push order
	last time.Time // due time of the newest in-order datagram
	wake chan struct{}

	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

type held struct {
	buf  *[]byte
	n    int
	addr net.Addr
	due  time.Time
	seq  uint64
}

type dueHeap []held

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	if h[i].due.Equal(h[j].due) {
		return h[i].seq < h[j].seq
	}
	return h[i].due.Before(h[j].due)
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(held)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newLine(out func([]byte, net.Addr)) *line {
	l := &line{out: out, wake: make(chan struct{}, 1), done: make(chan struct{})}
	l.pool.New = func() any { b := make([]byte, 1500); return &b }
	l.wg.Add(1)
	go l.run()
	return l
}

// push holds a copy of p until now+d. Unless reorder is set, a datagram is
// never due before the one pushed before it (jitter keeps the order, as on
// one path). When DefaultQueue datagrams are held the new one is dropped
// (tail drop) and push returns false; writers never block.
func (l *line) push(p []byte, addr net.Addr, now time.Time, d time.Duration, reorder bool) bool {
	due := now.Add(d)
	l.mu.Lock()
	if len(l.q) >= DefaultQueue {
		l.mu.Unlock()
		return false
	}
	if !reorder {
		if due.Before(l.last) {
			due = l.last
		}
		l.last = due
	}
	buf := l.pool.Get().(*[]byte)
	if cap(*buf) < len(p) {
		b := make([]byte, len(p))
		buf = &b
	}
	n := copy((*buf)[:cap(*buf)], p)
	l.seq++
	heap.Push(&l.q, held{buf: buf, n: n, addr: addr, due: due, seq: l.seq})
	first := l.q[0].seq == l.seq
	l.mu.Unlock()
	if first {
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
	return true
}

// busy reports whether datagrams are held that are not yet due: a new
// undelayed datagram must then queue behind them to keep the order.
func (l *line) busy(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last.After(now)
}

func (l *line) run() {
	defer l.wg.Done()
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		l.mu.Lock()
		var wait time.Duration = time.Hour
		var ready []held
		now := time.Now()
		for len(l.q) > 0 {
			if d := l.q[0].due.Sub(now); d > 0 {
				wait = d
				break
			}
			ready = append(ready, heap.Pop(&l.q).(held))
		}
		l.mu.Unlock()
		for _, h := range ready {
			l.out((*h.buf)[:h.n], h.addr)
			l.pool.Put(h.buf)
		}
		if len(ready) > 0 {
			continue // more may have fallen due while sending
		}
		t.Reset(wait)
		select {
		case <-l.done:
			return
		case <-l.wake:
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
		case <-t.C:
		}
	}
}

func (l *line) close() {
	l.once.Do(func() { close(l.done) })
	l.wg.Wait()
}
