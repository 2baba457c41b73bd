package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/pion/ice/v4"
	"github.com/pion/logging"
	"github.com/pion/webrtc/v4"
)

// DefaultListenAddr is where a Host's shared UDP socket listens: loopback,
// any free port.
const DefaultListenAddr = "127.0.0.1:0"

// Host is what the bots of one process share so that hundreds of them stay
// cheap: one UDP socket for all their ICE traffic (pion's ICE UDP mux), the
// fixture media library and its pacer. It is safe for concurrent use.
// Close it after every bot that uses it has stopped.
type Host struct {
	listen   string
	loopback bool
	log      *slog.Logger
	lf       logging.LoggerFactory

	conn net.PacketConn
	mux  ice.UDPMux

	media *mediaHost

	once sync.Once
}

// HostOption configures a Host.
type HostOption func(*Host) error

// WithListenAddr sets the shared UDP socket's address (default
// DefaultListenAddr). Anything but loopback is for servers on other
// machines.
func WithListenAddr(addr string) HostOption {
	return func(h *Host) error {
		if _, err := net.ResolveUDPAddr("udp4", addr); err != nil {
			return fmt.Errorf("bot host: listen address %q: %w", addr, err)
		}
		h.listen = addr
		return nil
	}
}

// WithHostLogger sets the logger pion's warnings go to (default: discard).
func WithHostLogger(l *slog.Logger) HostOption {
	return func(h *Host) error {
		if l == nil {
			return errors.New("bot host: WithHostLogger(nil)")
		}
		h.log = l
		return nil
	}
}

// NewHost opens the shared UDP socket and loads the media library.
func NewHost(opts ...HostOption) (*Host, error) {
	h := &Host{listen: DefaultListenAddr, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		if err := o(h); err != nil {
			return nil, err
		}
	}
	h.lf = newPionLogger(h.log)
	addr, _ := net.ResolveUDPAddr("udp4", h.listen)
	h.loopback = addr.IP.IsLoopback()
	conn, err := net.ListenUDP("udp4", addr)
	if err != nil {
		return nil, fmt.Errorf("bot host: listen %s: %w", h.listen, err)
	}
	// Hundreds of bots' media pass this one socket: give the kernel room.
	_ = conn.SetReadBuffer(8 << 20)
	_ = conn.SetWriteBuffer(8 << 20)
	h.conn = conn
	h.mux = webrtc.NewICEUDPMux(h.lf.NewLogger("udpmux"), conn)
	m, err := newMediaHost()
	if err != nil {
		_ = h.mux.Close()
		_ = conn.Close()
		return nil, err
	}
	h.media = m
	return h, nil
}

// Addr is the shared UDP socket's address.
func (h *Host) Addr() net.Addr { return h.conn.LocalAddr() }

// Close closes the shared socket and stops the pacer. It is idempotent.
func (h *Host) Close() error {
	var err error
	h.once.Do(func() {
		h.media.close()
		err = errors.Join(h.mux.Close(), h.conn.Close())
		if errors.Is(err, net.ErrClosed) {
			err = nil
		}
	})
	return err
}

// settingEngine configures one bot's network: the shared mux (or its own
// net), loopback candidates, mDNS off, UDP over IPv4 only.
func (h *Host) settingEngine(own transportNet) webrtc.SettingEngine {
	var se webrtc.SettingEngine
	se.LoggerFactory = h.lf
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	if own != nil {
		se.SetNet(own)
		if h.loopback {
			se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
		}
	} else {
		se.SetICEUDPMux(h.mux)
	}
	return se
}
