package netem

import (
	"net"
	"os"
	"sync"
	"time"
)

// streamConn is an impaired stream connection (signaling over TCP). A
// writer goroutine sends written bytes after Up.Delay, a reader goroutine
// hands received bytes to Read after Down.Delay, and both hold the bytes
// while the Net is Offline: TCP below would retransmit them once the path
// is back, so nothing is lost, only late (and the peers' timeouts may end
// the connection first). Without Config.Signaling bytes pass at once.
type streamConn struct {
	net.Conn
	n *Net

	out, in pipe

	dlMu     sync.Mutex
	deadline time.Time
	dlChange chan struct{}

	closeOnce sync.Once
	done      chan struct{}
	wg        sync.WaitGroup
}

// pipe is one direction's bytes in flight.
type pipe struct {
	mu     sync.Mutex
	chunks []chunk
	err    error         // the end of the direction (read error, write error)
	more   chan struct{} // signalled when a chunk or err arrives
}

type chunk struct {
	b   []byte
	due time.Time
}

func (p *pipe) push(c chunk, err error) {
	p.mu.Lock()
	if c.b != nil {
		p.chunks = append(p.chunks, c)
	}
	if err != nil && p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
	select {
	case p.more <- struct{}{}:
	default:
	}
}

func newStreamConn(n *Net, c net.Conn) *streamConn {
	s := &streamConn{Conn: c, n: n, dlChange: make(chan struct{}), done: make(chan struct{})}
	s.out.more = make(chan struct{}, 1)
	s.in.more = make(chan struct{}, 1)
	s.wg.Add(2)
	go s.writer()
	go s.reader()
	return s
}

// delayOf is how long bytes of one direction wait now, and whether they
// are held (offline).
func (s *streamConn) delayOf(up bool) (time.Duration, bool) {
	cfg := s.n.config()
	if !cfg.Signaling {
		return 0, false
	}
	if up {
		return cfg.Up.Delay, cfg.Offline
	}
	return cfg.Down.Delay, cfg.Offline
}

// Write queues p for sending; it fails only once the connection failed.
func (s *streamConn) Write(p []byte) (int, error) {
	d, _ := s.delayOf(true)
	s.out.mu.Lock()
	err := s.out.err
	s.out.mu.Unlock()
	if err != nil {
		return 0, err
	}
	s.out.push(chunk{b: append([]byte(nil), p...), due: time.Now().Add(d)}, nil)
	return len(p), nil
}

// next waits until the head chunk of p is due and the network is online,
// or until p ended (its error), the read deadline dl passes
// (os.ErrDeadlineExceeded) or dlChanged is closed (nothing, nil: look
// again). ok is false when the connection was closed.
func (s *streamConn) next(p *pipe, up bool, dl time.Time, dlChanged <-chan struct{}) (c chunk, err error, ok bool) {
	for {
		changed := s.n.wait()
		p.mu.Lock()
		var head *chunk
		if len(p.chunks) > 0 {
			head = &p.chunks[0]
		}
		err := p.err
		p.mu.Unlock()
		wait := time.Duration(-1)
		if head != nil {
			if _, held := s.delayOf(up); !held {
				if wait = time.Until(head.due); wait <= 0 {
					p.mu.Lock()
					c := p.chunks[0]
					p.chunks = p.chunks[1:]
					p.mu.Unlock()
					return c, nil, true
				}
			}
		} else if err != nil {
			return chunk{}, err, true
		}
		if !dl.IsZero() {
			left := time.Until(dl)
			if left <= 0 {
				return chunk{}, os.ErrDeadlineExceeded, true
			}
			if wait < 0 || left < wait {
				wait = left
			}
		}
		var timer <-chan time.Time
		var t *time.Timer
		if wait >= 0 {
			t = time.NewTimer(wait)
			timer = t.C
		}
		select {
		case <-s.done:
			ok = false
		case <-p.more:
			ok = true
		case <-changed:
			ok = true
		case <-timer:
			ok = true
		case <-dlChanged:
			if t != nil {
				t.Stop()
			}
			return chunk{}, nil, true
		}
		if t != nil {
			t.Stop()
		}
		if !ok {
			return chunk{}, net.ErrClosed, false
		}
	}
}

func (s *streamConn) writer() {
	defer s.wg.Done()
	for {
		c, err, ok := s.next(&s.out, true, time.Time{}, nil)
		if !ok || err != nil {
			return
		}
		if _, err := s.Conn.Write(c.b); err != nil {
			s.out.push(chunk{}, err)
			return
		}
	}
}

func (s *streamConn) reader() {
	defer s.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := s.Conn.Read(buf)
		d, _ := s.delayOf(false)
		var c chunk
		if n > 0 {
			c = chunk{b: append([]byte(nil), buf[:n]...), due: time.Now().Add(d)}
		}
		s.in.push(c, err)
		if err != nil {
			return
		}
	}
}

// Read returns received bytes once they are due.
func (s *streamConn) Read(p []byte) (int, error) {
	for {
		s.dlMu.Lock()
		dl, changed := s.deadline, s.dlChange
		s.dlMu.Unlock()
		c, err, ok := s.next(&s.in, false, dl, changed)
		if !ok || err != nil {
			return 0, err
		}
		if c.b == nil {
			continue // the deadline changed: look again
		}
		n := copy(p, c.b)
		if n < len(c.b) {
			s.in.mu.Lock()
			s.in.chunks = append([]chunk{{b: c.b[n:], due: c.due}}, s.in.chunks...)
			s.in.mu.Unlock()
		}
		return n, nil
	}
}

// SetReadDeadline bounds the current and future reads.
func (s *streamConn) SetReadDeadline(t time.Time) error {
	s.dlMu.Lock()
	s.deadline = t
	close(s.dlChange)
	s.dlChange = make(chan struct{})
	s.dlMu.Unlock()
	return nil
}

// SetWriteDeadline is accepted and ignored: writes are queued and never
// block.
func (s *streamConn) SetWriteDeadline(time.Time) error { return nil }

// SetDeadline sets the read deadline.
func (s *streamConn) SetDeadline(t time.Time) error { return s.SetReadDeadline(t) }

// Close ends the connection's goroutines; bytes not yet sent are dropped.
// While offline the real connection stays open until the network is back
// (or the Net is closed): the peer sees the close only then, as it would
// see TCP's FIN only once the path works again.
func (s *streamConn) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.n.closeWhenOnline(s.Conn, &s.wg)
	})
	return nil
}
