package netem

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/transport/v5"
	"github.com/pion/transport/v5/stdnet"
)

// Net is a transport.Net whose UDP sockets drop, delay, duplicate and
// rate-limit datagrams as its Config says, and whose Dial impairs the
// signaling connection when Config.Signaling is set. The Config can be
// changed at any time (Set, SetFor); every socket follows at once. It is
// safe for concurrent use. Close ends the goroutines of every socket it
// opened (closing the sockets is their owner's job).
type Net struct {
	transport.Net
	cfg  atomic.Pointer[Config] // normalized
	seed atomic.Uint64

	counters       Counters
	upRTP, downRTP rtpTally

	mu      sync.Mutex
	conns   []*udpConn
	changed chan struct{} // closed and replaced by every Set
	gen     uint64        // bumped by every Set: SetFor restores only its own change
	timers  []*time.Timer
	closed  bool
	done    chan struct{} // closed by Close
	closers sync.WaitGroup
}

var _ transport.Net = (*Net)(nil)

// Counters are the datagrams a Net passed and dropped, over all its
// sockets. Sent and Recv count datagrams that passed (a duplicate counts
// once, and once more in Duplicated).
type Counters struct {
	Sent, SendDropped atomic.Uint64
	Recv, RecvDropped atomic.Uint64
	// QueueDropped are the datagrams of SendDropped that the Up rate
	// queue dropped (the rest were loss or offline); RecvQueueDropped the
	// same for Down.
	QueueDropped, RecvQueueDropped atomic.Uint64
	Duplicated                     atomic.Uint64
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
	n := &Net{Net: inner, changed: make(chan struct{}), done: make(chan struct{})}
	nc := cfg.Normalized()
	n.cfg.Store(&nc)
	seed := cfg.Seed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	n.seed.Store(uint64(seed))
	return n, nil
}

// Config returns the impairment n applies now (short names moved into
// Up and Down).
func (n *Net) Config() Config { return *n.cfg.Load() }

func (n *Net) config() *Config { return n.cfg.Load() }

// Set replaces the impairment; every socket and the signaling connection
// follow from their next datagram or byte. The seed is kept.
func (n *Net) Set(cfg Config) error {
	_, err := n.set(cfg)
	return err
}

func (n *Net) set(cfg Config) (uint64, error) {
	if err := cfg.Validate(); err != nil {
		return 0, err
	}
	nc := cfg.Normalized()
	n.mu.Lock()
	defer n.mu.Unlock()
	n.cfg.Store(&nc)
	n.gen++
	close(n.changed)
	n.changed = make(chan struct{})
	return n.gen, nil
}

// SetFor applies cfg for d, then restores the impairment in force before,
// unless another Set or SetFor changed it in the meantime.
func (n *Net) SetFor(cfg Config, d time.Duration) error {
	prev := n.Config()
	gen, err := n.set(cfg)
	if err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil
	}
	n.timers = append(n.timers, time.AfterFunc(d, func() {
		n.mu.Lock()
		mine := n.gen == gen && !n.closed
		n.mu.Unlock()
		if mine {
			_ = n.Set(prev)
		}
	}))
	return nil
}

// wait returns a channel closed at the next Set.
func (n *Net) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.changed
}

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
	c := newUDPConn(n, inner, n.seed.Add(0x9E3779B97F4A7C15))
	n.conns = append(n.conns, c)
	return c, nil
}

// DialContext dials a stream connection (the bot's signaling) on the real
// network. With Config.Signaling set, its bytes are delayed by Up.Delay
// and Down.Delay and stall while Offline; a dial while offline waits for
// the network to come back (or ctx to end).
func (n *Net) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	for {
		cfg := n.config()
		if !cfg.Signaling || !cfg.Offline {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("netem: dial %s while offline: %w", address, ctx.Err())
		case <-n.wait():
		}
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return newStreamConn(n, c), nil
}

// Dial is DialContext without a context.
func (n *Net) Dial(network, address string) (net.Conn, error) {
	return n.DialContext(context.Background(), network, address)
}

// Close stops the goroutines of every socket n opened and any pending
// SetFor; datagrams still queued are dropped. It is idempotent.
func (n *Net) Close() error {
	n.mu.Lock()
	conns := n.conns
	n.conns = nil
	for _, t := range n.timers {
		t.Stop()
	}
	n.timers = nil
	if !n.closed {
		n.closed = true
		close(n.done)
	}
	n.mu.Unlock()
	for _, c := range conns {
		c.stop()
	}
	n.closers.Wait()
	return nil
}

// closeWhenOnline closes c now, or when the signaling path is back (or n
// is closed) while it is offline, and then waits for wg (the goroutines
// reading c).
func (n *Net) closeWhenOnline(c net.Conn, wg *sync.WaitGroup) {
	now := func() {
		_ = c.Close()
		wg.Wait()
	}
	cfg := n.config()
	if !cfg.Signaling || !cfg.Offline {
		now()
		return
	}
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		now()
		return
	}
	n.closers.Add(1)
	n.mu.Unlock()
	go func() {
		defer n.closers.Done()
		defer now()
		for {
			select {
			case <-n.done:
				return
			case <-n.wait():
			}
			if cfg := n.config(); !cfg.Signaling || !cfg.Offline {
				return
			}
		}
	}()
}
