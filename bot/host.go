package bot

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/pion/ice/v4"
	"github.com/pion/logging"
	"github.com/pion/transport/v5/stdnet"
	"github.com/pion/webrtc/v4"
)

// DefaultListenIP is the address bots' UDP sockets bind to: loopback.
const DefaultListenIP = "127.0.0.1"

// Host is what the bots of one process share so that hundreds of them stay
// cheap: the network stack description (interfaces are enumerated once),
// the fixture media library and the pacing scheduler its players run on.
// It is safe for concurrent use. Close it after every bot that uses it has
// stopped.
//
// Each bot has one UDP socket (one host candidate on ListenIP, UDP over
// IPv4 only, mDNS off) rather than sharing one through pion's ICE UDP mux:
// a mux demultiplexes media by the remote address, and every bot of a
// process talks to the same server address, so bots would receive each
// other's packets.
type Host struct {
	ip  net.IP
	log *slog.Logger
	lf  logging.LoggerFactory
	net transportNet

	media *mediaHost

	certOnce sync.Once
	cert     webrtc.Certificate
	certErr  error

	once sync.Once
}

// HostOption configures a Host.
type HostOption func(*Host) error

// WithListenIP sets the IP bots' sockets bind to (default DefaultListenIP);
// 0.0.0.0 allows every interface, for servers on other machines.
func WithListenIP(ip string) HostOption {
	return func(h *Host) error {
		p := net.ParseIP(ip)
		if p == nil || p.To4() == nil {
			return fmt.Errorf("bot host: listen IP %q is not an IPv4 address", ip)
		}
		h.ip = p.To4()
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

// NewHost loads the media library and starts the pacing scheduler.
func NewHost(opts ...HostOption) (*Host, error) {
	h := &Host{ip: net.ParseIP(DefaultListenIP).To4(), log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		if err := o(h); err != nil {
			return nil, err
		}
	}
	h.lf = newPionLogger(h.log)
	n, err := stdnet.NewNet()
	if err != nil {
		return nil, fmt.Errorf("bot host: network: %w", err)
	}
	h.net = n
	m, err := newMediaHost()
	if err != nil {
		return nil, err
	}
	h.media = m
	return h, nil
}

// Close stops the pacing scheduler. It is idempotent.
func (h *Host) Close() error {
	h.once.Do(func() { h.media.close() })
	return nil
}

// settingEngine configures one bot's network: its own socket on the Host's
// IP (through own, when the bot has an impaired net), loopback candidates,
// mDNS off, UDP over IPv4 only.
func (h *Host) settingEngine(own transportNet) webrtc.SettingEngine {
	var se webrtc.SettingEngine
	se.LoggerFactory = h.lf
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	if own == nil {
		own = h.net
	}
	se.SetNet(own)
	if !h.ip.IsUnspecified() {
		ip := h.ip
		se.SetIPFilter(func(c net.IP) bool { return c.Equal(ip) })
	}
	return se
}

// certificate is the DTLS certificate every PeerConnection of the Host's
// bots uses, made on first use. pion otherwise generates an ECDSA key and
// a self-signed certificate per PeerConnection (0.1–0.4 ms of CPU each, on
// every join and rejoin); DTLS only needs the certificate's fingerprint to
// match the one in the SDP, which holds for a shared one, as it does for a
// browser page that passes one RTCCertificate to all its connections.
func (h *Host) certificate() (webrtc.Certificate, error) {
	h.certOnce.Do(func() {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			h.certErr = fmt.Errorf("bot host: DTLS key: %w", err)
			return
		}
		c, err := webrtc.GenerateCertificate(k)
		if err != nil {
			h.certErr = fmt.Errorf("bot host: DTLS certificate: %w", err)
			return
		}
		h.cert = *c
	})
	return h.cert, h.certErr
}
