package netem

import (
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/pion/transport/v5"
)

// udpConn is one impaired socket. Reads drop with RecvLoss; writes drop
// with SendLoss and then go through the delay line when one is configured.
type udpConn struct {
	transport.UDPConn
	net  *Net
	line *delayLine // nil without delay or rate cap
	rate *rateLink  // nil without SendRate

	mu  sync.Mutex // guards rng: reads and writes come from different goroutines
	rng *rand.Rand
}

var _ transport.UDPConn = (*udpConn)(nil)

func (c *udpConn) drop(p float64) bool {
	if p <= 0 {
		return false
	}
	c.mu.Lock()
	d := c.rng.Float64() < p
	c.mu.Unlock()
	return d
}

func (c *udpConn) jitter() time.Duration {
	j := c.net.cfg.Jitter
	if j <= 0 {
		return 0
	}
	c.mu.Lock()
	d := time.Duration(c.rng.Int64N(int64(j)))
	c.mu.Unlock()
	return d
}

// ReadFrom reads the next datagram that survives RecvLoss.
func (c *udpConn) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.UDPConn.ReadFrom(p)
		if err != nil || !c.recvDropped() {
			return n, addr, err
		}
	}
}

// ReadFromUDP is ReadFrom with a UDP address.
func (c *udpConn) ReadFromUDP(p []byte) (int, *net.UDPAddr, error) {
	for {
		n, addr, err := c.UDPConn.ReadFromUDP(p)
		if err != nil || !c.recvDropped() {
			return n, addr, err
		}
	}
}

// Read reads the next datagram that survives RecvLoss (connected sockets).
func (c *udpConn) Read(p []byte) (int, error) {
	for {
		n, err := c.UDPConn.Read(p)
		if err != nil || !c.recvDropped() {
			return n, err
		}
	}
}

// ReadMsgUDP reads the next datagram that survives RecvLoss.
func (c *udpConn) ReadMsgUDP(p, oob []byte) (int, int, int, *net.UDPAddr, error) {
	for {
		n, oobn, flags, addr, err := c.UDPConn.ReadMsgUDP(p, oob)
		if err != nil || !c.recvDropped() {
			return n, oobn, flags, addr, err
		}
	}
}

func (c *udpConn) recvDropped() bool {
	if c.drop(c.net.cfg.RecvLoss) {
		c.net.counters.RecvDropped.Add(1)
		return true
	}
	c.net.counters.Recv.Add(1)
	return false
}

// WriteTo sends p to addr unless SendLoss drops it. A dropped datagram
// still reports success, as the network would.
func (c *udpConn) WriteTo(p []byte, addr net.Addr) (int, error) { return c.send(p, addr) }

// WriteToUDP is WriteTo with a UDP address.
func (c *udpConn) WriteToUDP(p []byte, addr *net.UDPAddr) (int, error) {
	return c.WriteTo(p, addr)
}

// Write sends on a connected socket unless SendLoss drops it.
func (c *udpConn) Write(p []byte) (int, error) { return c.send(p, nil) }

// send applies loss, the rate-limited link and delay to one datagram; a nil
// addr means the socket's connected peer.
func (c *udpConn) send(p []byte, addr net.Addr) (int, error) {
	if c.drop(c.net.cfg.SendLoss) {
		c.net.counters.SendDropped.Add(1)
		return len(p), nil
	}
	d, ok := c.linkDelay(len(p))
	if !ok {
		return len(p), nil
	}
	c.net.counters.Sent.Add(1)
	if c.line != nil {
		c.line.push(p, addr, d+c.net.cfg.Delay+c.jitter())
		return len(p), nil
	}
	if addr == nil {
		return c.UDPConn.Write(p)
	}
	return c.UDPConn.WriteTo(p, addr)
}

// linkDelay is the queueing and serialisation time of an n-byte datagram
// on the SendRate link (0 without one); false when the full queue drops it
// (counted in SendDropped and QueueDropped).
func (c *udpConn) linkDelay(n int) (time.Duration, bool) {
	if c.rate == nil {
		return 0, true
	}
	d, ok := c.rate.admit(time.Now(), n)
	if !ok {
		c.net.counters.SendDropped.Add(1)
		c.net.counters.QueueDropped.Add(1)
	}
	return d, ok
}

// Close closes the socket and ends its delay line.
func (c *udpConn) Close() error {
	if c.line != nil {
		c.line.close()
	}
	return c.UDPConn.Close()
}
