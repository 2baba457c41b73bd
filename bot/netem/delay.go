package netem

import (
	"net"
	"sync"
	"time"

	"github.com/pion/transport/v5"
)

// delayLine holds written datagrams until their time and then sends them,
// in order. One goroutine per impaired socket owns the sending; close stops
// it and waits for it.
type delayLine struct {
	conn transport.UDPConn
	q    chan delayed
	pool sync.Pool

	mu   sync.Mutex
	last time.Time // due time of the newest datagram: keeps order under jitter

	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

type delayed struct {
	buf  *[]byte
	n    int
	addr net.Addr
	due  time.Time
}

func newDelayLine(conn transport.UDPConn, size int) *delayLine {
	l := &delayLine{conn: conn, q: make(chan delayed, size), done: make(chan struct{})}
	l.pool.New = func() any { b := make([]byte, 1500); return &b }
	l.wg.Add(1)
	go l.run()
	return l
}

// push queues a copy of p; when the queue is full the datagram is dropped
// (tail drop), so writers never block.
func (l *delayLine) push(p []byte, addr net.Addr, d time.Duration) {
	buf := l.pool.Get().(*[]byte)
	if cap(*buf) < len(p) {
		b := make([]byte, len(p))
		buf = &b
	}
	n := copy((*buf)[:cap(*buf)], p)
	l.mu.Lock()
	due := time.Now().Add(d)
	if due.Before(l.last) {
		due = l.last
	}
	l.last = due
	l.mu.Unlock()
	select {
	case l.q <- delayed{buf: buf, n: n, addr: addr, due: due}:
	default:
		l.pool.Put(buf)
	}
}

func (l *delayLine) run() {
	defer l.wg.Done()
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		var d delayed
		select {
		case <-l.done:
			return
		case d = <-l.q:
		}
		if wait := time.Until(d.due); wait > 0 {
			t.Reset(wait)
			select {
			case <-l.done:
				return
			case <-t.C:
			}
		}
		b := (*d.buf)[:d.n]
		if d.addr != nil {
			_, _ = l.conn.WriteTo(b, d.addr)
		} else {
			_, _ = l.conn.Write(b)
		}
		l.pool.Put(d.buf)
	}
}

func (l *delayLine) close() {
	l.once.Do(func() { close(l.done) })
	l.wg.Wait()
}
