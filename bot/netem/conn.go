package netem

import (
	"math/rand/v2"
	"net"
	"os"
	"sync"
	"time"

	"github.com/pion/transport/v5"
)

// udpConn is one impaired socket. Writes go through the Up link: loss,
// duplication, the rate cap, delay and jitter, then the real socket. A
// pump goroutine reads the real socket and passes each datagram through
// the Down link into a queue that reads take from. The links are read from
// the Net's current Config for every datagram, so a change applies at once.
type udpConn struct {
	transport.UDPConn
	net      *Net
	up, down direction

	rx     chan rxDatagram
	rxPool sync.Pool
	rxEnd  chan struct{} // closed when the pump ends; rxErr is then set
	rxErr  error

	dlMu     sync.Mutex
	deadline time.Time
	dlChange chan struct{} // closed and replaced when the deadline changes

	closeOnce sync.Once
	wg        sync.WaitGroup
}

type rxDatagram struct {
	buf  *[]byte
	n    int
	addr net.Addr
}

// direction is the per-socket state of one direction's link.
type direction struct {
	mu    sync.Mutex
	rng   *rand.Rand
	chain lossChain
	rate  rateLink
	line  *line
}

var _ transport.UDPConn = (*udpConn)(nil)

// fate decides what happens to one datagram of n bytes: how many copies
// leave (0: dropped; 2: duplicated), after which delay each, and whether
// the rate queue dropped it.
func (d *direction) fate(l Link, offline bool, now time.Time, n int) (copies int, delays [2]time.Duration, queueDrop bool) {
	if offline {
		return 0, delays, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.chain.lost(d.rng, l) {
		return 0, delays, false
	}
	var base time.Duration
	if l.Rate > 0 {
		q, ok := d.rate.admit(now, n, l.Rate, l.Queue)
		if !ok {
			return 0, delays, true
		}
		base = q
	}
	copies = 1
	if l.Duplicate > 0 && d.rng.Float64() < l.Duplicate {
		copies = 2
	}
	for i := range copies {
		delays[i] = base + l.Delay
		if l.Jitter > 0 {
			delays[i] += time.Duration(d.rng.Int64N(int64(l.Jitter)))
		}
	}
	return copies, delays, false
}

func newUDPConn(n *Net, inner transport.UDPConn, seed uint64) *udpConn {
	c := &udpConn{UDPConn: inner, net: n, rx: make(chan rxDatagram, DefaultQueue),
		rxEnd: make(chan struct{}), dlChange: make(chan struct{})}
	c.up.rng = rand.New(rand.NewPCG(seed, seed^0xD1B54A32D192ED03))
	c.down.rng = rand.New(rand.NewPCG(seed^0xA0761D6478BD642F, seed+0xE7037ED1A0B428DB))
	c.rxPool.New = func() any { b := make([]byte, 1500); return &b }
	c.up.line = newLine(func(b []byte, addr net.Addr) { c.writeNow(b, addr) })
	c.down.line = newLine(c.deliver)
	c.wg.Add(1)
	go c.pump()
	return c
}

// WriteTo sends p to addr through the Up link. A dropped datagram still
// reports success, as the network would.
func (c *udpConn) WriteTo(p []byte, addr net.Addr) (int, error) { return c.send(p, addr) }

// WriteToUDP is WriteTo with a UDP address.
func (c *udpConn) WriteToUDP(p []byte, addr *net.UDPAddr) (int, error) { return c.send(p, addr) }

// Write sends on a connected socket through the Up link.
func (c *udpConn) Write(p []byte) (int, error) { return c.send(p, nil) }

// send applies the Up link to one datagram; a nil addr means the socket's
// connected peer.
func (c *udpConn) send(p []byte, addr net.Addr) (int, error) {
	cfg := c.net.config()
	now := time.Now()
	copies, delays, qdrop := c.up.fate(cfg.Up, cfg.Offline, now, len(p))
	c.net.upRTP.add(p, copies == 0)
	ctr := &c.net.counters
	if copies == 0 {
		ctr.SendDropped.Add(1)
		if qdrop {
			ctr.QueueDropped.Add(1)
		}
		return len(p), nil
	}
	ctr.Sent.Add(1)
	if copies == 2 {
		ctr.Duplicated.Add(1)
	}
	for i := range copies {
		if delays[i] == 0 && !c.up.line.busy(now) {
			if _, err := c.writeNow(p, addr); err != nil {
				return 0, err
			}
			continue
		}
		if !c.up.line.push(p, addr, now, delays[i], cfg.Up.Reorder) {
			ctr.QueueDropped.Add(1)
		}
	}
	return len(p), nil
}

func (c *udpConn) writeNow(p []byte, addr net.Addr) (int, error) {
	if addr == nil {
		return c.UDPConn.Write(p)
	}
	return c.UDPConn.WriteTo(p, addr)
}

// pump reads the real socket and passes each datagram through the Down
// link until the socket is closed.
func (c *udpConn) pump() {
	defer c.wg.Done()
	buf := make([]byte, 65536)
	ctr := &c.net.counters
	for {
		n, addr, err := c.UDPConn.ReadFrom(buf)
		if err != nil {
			c.rxErr = err
			close(c.rxEnd)
			return
		}
		cfg := c.net.config()
		now := time.Now()
		copies, delays, qdrop := c.down.fate(cfg.Down, cfg.Offline, now, n)
		c.net.downRTP.add(buf[:n], copies == 0)
		if copies == 0 {
			ctr.RecvDropped.Add(1)
			if qdrop {
				ctr.RecvQueueDropped.Add(1)
			}
			continue
		}
		ctr.Recv.Add(1)
		if copies == 2 {
			ctr.Duplicated.Add(1)
		}
		for i := range copies {
			if delays[i] == 0 && !c.down.line.busy(now) {
				c.deliver(buf[:n], addr)
			} else if !c.down.line.push(buf[:n], addr, now, delays[i], cfg.Down.Reorder) {
				ctr.RecvQueueDropped.Add(1)
			}
		}
	}
}

// deliver queues a copy of a received datagram for the reader; a full
// queue drops it (the socket's receive buffer overflowed).
func (c *udpConn) deliver(b []byte, addr net.Addr) {
	buf := c.rxPool.Get().(*[]byte)
	if cap(*buf) < len(b) {
		nb := make([]byte, len(b))
		buf = &nb
	}
	n := copy((*buf)[:cap(*buf)], b)
	select {
	case c.rx <- rxDatagram{buf: buf, n: n, addr: addr}:
	default:
		c.net.counters.RecvQueueDropped.Add(1)
		c.rxPool.Put(buf)
	}
}

// ReadFrom reads the next datagram that passed the Down link.
func (c *udpConn) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		c.dlMu.Lock()
		dl, changed := c.deadline, c.dlChange
		c.dlMu.Unlock()
		var timeout <-chan time.Time
		if !dl.IsZero() {
			wait := time.Until(dl)
			if wait <= 0 {
				return 0, nil, os.ErrDeadlineExceeded
			}
			t := time.NewTimer(wait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case d := <-c.rx:
			n := copy(p, (*d.buf)[:d.n])
			c.rxPool.Put(d.buf)
			return n, d.addr, nil
		case <-c.rxEnd:
			// Datagrams already queued are still read before the error.
			select {
			case d := <-c.rx:
				n := copy(p, (*d.buf)[:d.n])
				c.rxPool.Put(d.buf)
				return n, d.addr, nil
			default:
			}
			return 0, nil, c.rxErr
		case <-timeout:
			return 0, nil, os.ErrDeadlineExceeded
		case <-changed:
		}
	}
}

// ReadFromUDP is ReadFrom with a UDP address.
func (c *udpConn) ReadFromUDP(p []byte) (int, *net.UDPAddr, error) {
	n, addr, err := c.ReadFrom(p)
	ua, _ := addr.(*net.UDPAddr)
	return n, ua, err
}

// Read reads the next datagram (connected sockets).
func (c *udpConn) Read(p []byte) (int, error) {
	n, _, err := c.ReadFrom(p)
	return n, err
}

// ReadMsgUDP reads the next datagram; no control messages pass.
func (c *udpConn) ReadMsgUDP(p, _ []byte) (int, int, int, *net.UDPAddr, error) {
	n, addr, err := c.ReadFromUDP(p)
	return n, 0, 0, addr, err
}

// SetReadDeadline bounds the current and future reads.
func (c *udpConn) SetReadDeadline(t time.Time) error {
	c.dlMu.Lock()
	c.deadline = t
	close(c.dlChange)
	c.dlChange = make(chan struct{})
	c.dlMu.Unlock()
	return nil
}

// SetDeadline sets the read deadline and the real socket's write deadline.
func (c *udpConn) SetDeadline(t time.Time) error {
	_ = c.SetReadDeadline(t)
	return c.UDPConn.SetWriteDeadline(t)
}

// Close closes the socket, ends its pump and its delay lines.
func (c *udpConn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		err = c.UDPConn.Close()
		c.wg.Wait()
		c.up.line.close()
		c.down.line.close()
	})
	return err
}

// stop ends the lines without closing the socket (Net.Close).
func (c *udpConn) stop() {
	c.up.line.close()
	c.down.line.close()
}
