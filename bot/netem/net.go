package netem

import (
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/transport/v5"
	"github.com/pion/transport/v5/stdnet"
)

// Net is a transport.Net whose UDP sockets drop and delay datagrams as its
// Config says. It is safe for concurrent use. Close ends the delay lines of
// every socket it opened (closing the sockets is their owner's job).
type Net struct {
	transport.Net
	cfg  Config
	seed atomic.Uint64

	counters Counters

	mu     sync.Mutex
	conns  []*udpConn
	closed bool
}

var _ transport.Net = (*Net)(nil)

// Counters are the datagrams a Net passed and dropped, over all its sockets.
type Counters struct {
	Sent, SendDropped atomic.Uint64
	Recv, RecvDropped atomic.Uint64
	// QueueDropped are the datagrams of SendDropped that the SendRate
	// queue dropped (the rest were SendLoss).
	QueueDropped atomic.Uint64
}

// New wraps the real network (stdnet) with the impairment of cfg.
func New(cfg Config) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	std, err := stdnet.NewNet()
	if err != nil {
		return nil, fmt.Errorf("netem: real network: %w", err)
	}
	return Wrap(std, cfg)
}

// Wrap impairs the sockets of an existing transport.Net (stdnet, or a pion
// vnet for fully virtual tests).
func Wrap(inner transport.Net, cfg Config) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := &Net{Net: inner, cfg: cfg}
	seed := cfg.Seed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	n.seed.Store(uint64(seed))
	return n, nil
}

// Config returns the impairment n applies.
func (n *Net) Config() Config { return n.cfg }

// Counters returns n's datagram counters (live values).
func (n *Net) Counters() *Counters { return &n.counters }

// ListenUDP opens a real UDP socket and impairs it.
func (n *Net) ListenUDP(network string, laddr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.ListenUDP(network, laddr)
	if err != nil {
		return nil, err
	}
	return n.wrap(c)
}

// ListenPacket opens a packet socket; UDP sockets are impaired, others pass.
func (n *Net) ListenPacket(network, address string) (net.PacketConn, error) {
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return n.Net.ListenPacket(network, address)
	}
	addr, err := n.Net.ResolveUDPAddr(network, address)
	if err != nil {
		return nil, err
	}
	return n.ListenUDP(network, addr)
}

func (n *Net) wrap(inner transport.UDPConn) (*udpConn, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		_ = inner.Close()
		return nil, net.ErrClosed
	}
	// Each socket gets its own stream of random numbers derived from the
	// seed, so a seeded run drops the same datagrams every time.
	s := n.seed.Add(0x9E3779B97F4A7C15)
	c := &udpConn{UDPConn: inner, net: n, rng: rand.New(rand.NewPCG(s, s^0xD1B54A32D192ED03))}
	if n.cfg.Delay > 0 || n.cfg.Jitter > 0 || n.cfg.SendRate > 0 {
		c.line = newDelayLine(inner, DefaultQueue)
	}
	if n.cfg.SendRate > 0 {
		c.rate = newRateLink(n.cfg.SendRate, n.cfg.SendQueue)
	}
	n.conns = append(n.conns, c)
	return c, nil
}

// Close stops the delay lines of every socket n opened; datagrams still
// queued are dropped. It is idempotent.
func (n *Net) Close() error {
	n.mu.Lock()
	conns := n.conns
	n.conns = nil
	n.closed = true
	n.mu.Unlock()
	for _, c := range conns {
		if c.line != nil {
			c.line.close()
		}
	}
	return nil
}
