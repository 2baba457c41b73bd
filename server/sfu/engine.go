package sfu

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/transport/v5/stdnet"
	"github.com/pion/webrtc/v4"
)

// Header extension URIs carried through the SFU (others are stripped,
// notably the publisher leg's MID/RID/transport-cc, which are leg-local).
const (
	AbsCaptureTimeURI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time"
	AudioLevelURI     = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
	AbsSendTimeURI    = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
)

// Defaults.
const (
	// DefaultUDPAddr is where the shared ICE UDP socket listens.
	DefaultUDPAddr = "127.0.0.1:0"
	// DefaultKeyframeInterval is the minimum spacing of keyframe requests
	// sent to one publisher for one track.
	DefaultKeyframeInterval = 300 * time.Millisecond
	// SocketBuffer is the kernel buffer asked for on the shared UDP socket
	// (both directions). One socket carries every participant, so the
	// default (~200 KB) overflows on bursts; Linux clips the request to
	// net.core.rmem_max / wmem_max.
	SocketBuffer = 4 << 20
	// DefaultMediaTimeout is how long a peer's media connection may go
	// without receiving anything (media, RTCP, or an answer to the ICE
	// consent checks the server sends) before it is failed. ICE that never
	// connects after the answer fails within it too.
	DefaultMediaTimeout = 10 * time.Second
	// DefaultAnswerTimeout is how long an offer may stay unanswered.
	DefaultAnswerTimeout = 10 * time.Second
	// maxKeepalive is the longest spacing of the server's ICE consent
	// checks (pion's default keepalive interval).
	maxKeepalive = 2 * time.Second
)

// Config configures an Engine.
type Config struct {
	// UDPAddr is the listen address of the shared ICE UDP socket
	// (DefaultUDPAddr). Loopback only unless PublicIPs is set.
	UDPAddr string
	// PublicIPs, when set, replace the host candidate addresses
	// (NAT 1:1) for use beyond loopback.
	PublicIPs []string
	// KeyframeInterval rate-limits PLIs per publication (DefaultKeyframeInterval).
	KeyframeInterval time.Duration
	// MediaTimeout is the silence after which a peer's media connection
	// fails (DefaultMediaTimeout): ICE goes disconnected after half of it
	// and failed after all of it; the server sends consent checks at least
	// four times per timeout (at most every 2 s).
	MediaTimeout time.Duration
	// AnswerTimeout bounds the wait for each answer (DefaultAnswerTimeout).
	AnswerTimeout time.Duration
	// Logger receives the engine's logs (slog.Default when nil).
	Logger *slog.Logger
}

// Stats are the engine's forwarding counters. All fields are safe for
// concurrent use; they only grow.
type Stats struct {
	PacketsIn, BytesIn    atomic.Uint64 // RTP read from publishers
	PacketsOut, BytesOut  atomic.Uint64 // RTP written to subscribers
	PacketsHeld           atomic.Uint64 // RTP not forwarded (muted, blocked, paused)
	KeyframeRequests      atomic.Uint64 // PLIs sent to publishers
	KeyframeRequestsMuted atomic.Uint64 // PLI/FIR from subscribers absorbed by the rate limit
}

// Engine holds what all peers share: the pion API and the UDP socket.
// It is safe for concurrent use.
type Engine struct {
	api    *webrtc.API
	cert   webrtc.Certificate // DTLS certificate of every peer (see New)
	conn   net.PacketConn
	mux    ice.UDPMux
	log    *slog.Logger
	kfGap  time.Duration
	answer time.Duration
	stats  Stats
	mu     sync.Mutex
	peers  map[*Peer]struct{}
	closed bool
}

// New creates an Engine listening on cfg.UDPAddr.
func New(cfg Config) (*Engine, error) {
	if cfg.UDPAddr == "" {
		cfg.UDPAddr = DefaultUDPAddr
	}
	if cfg.KeyframeInterval <= 0 {
		cfg.KeyframeInterval = DefaultKeyframeInterval
	}
	if cfg.MediaTimeout <= 0 {
		cfg.MediaTimeout = DefaultMediaTimeout
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = DefaultAnswerTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	addr, err := net.ResolveUDPAddr("udp4", cfg.UDPAddr)
	if err != nil {
		return nil, fmt.Errorf("sfu: media address %q: %w", cfg.UDPAddr, err)
	}
	conn, err := net.ListenUDP("udp4", addr)
	if err != nil {
		return nil, fmt.Errorf("sfu: listen media UDP %s: %w", cfg.UDPAddr, err)
	}
	_ = conn.SetReadBuffer(SocketBuffer)  // best effort: clipped by the kernel
	_ = conn.SetWriteBuffer(SocketBuffer) // best effort
	e := &Engine{conn: conn, log: cfg.Logger, kfGap: cfg.KeyframeInterval, answer: cfg.AnswerTimeout, peers: map[*Peer]struct{}{}}
	logs := pionLogs{cfg.Logger}
	e.mux = webrtc.NewICEUDPMux(logs.NewLogger("udpmux"), conn)
	api, err := newAPI(e.mux, conn.LocalAddr().(*net.UDPAddr), cfg, logs)
	if err != nil {
		_ = e.mux.Close()
		return nil, err
	}
	e.api = api
	// One DTLS certificate for all peers: pion otherwise generates an
	// ECDSA key and a self-signed certificate per PeerConnection, a sixth
	// of the service's CPU per join in BenchmarkJoinRate's profile; DTLS
	// only needs the fingerprint in each SDP to match.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		_ = e.mux.Close()
		return nil, fmt.Errorf("sfu: DTLS key: %w", err)
	}
	cert, err := webrtc.GenerateCertificate(key)
	if err != nil {
		_ = e.mux.Close()
		return nil, fmt.Errorf("sfu: DTLS certificate: %w", err)
	}
	e.cert = *cert
	return e, nil
}

// newAPI builds the pion API: codecs, header extensions, interceptors and
// network settings shared by every peer.
func newAPI(mux ice.UDPMux, local *net.UDPAddr, cfg Config, logs pionLogs) (*webrtc.API, error) {
	m, err := NewMediaEngine()
	if err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	// NACK generator on publisher legs, capped (field notes: amplification);
	// responder with a retransmission buffer on subscriber legs.
	if err := webrtc.ConfigureNackWithOptions(m, ir,
		[]nack.GeneratorOption{nack.GeneratorMaxNacksPerPacket(2)}); err != nil {
		return nil, fmt.Errorf("sfu: nack interceptors: %w", err)
	}
	if err := webrtc.ConfigureRTCPReports(ir); err != nil {
		return nil, fmt.Errorf("sfu: rtcp report interceptors: %w", err)
	}
	// Transport-wide CC feedback on publisher legs, so a publisher with a
	// real encoder (live bots, browsers) can run send-side bandwidth
	// estimation. pion's TWCC sender only reads streams that negotiated the
	// transport-cc extension: legs without it (fixture bots) keep their
	// per-packet path; each PeerConnection holds one parked goroutine that
	// starts its 100 ms feedback ticker at the first transport-cc packet.
	// The server adds no transport-cc to what it sends (no estimator on
	// subscriber legs; forwarding does not adapt).
	if err := webrtc.ConfigureTWCCSender(m, ir); err != nil {
		return nil, fmt.Errorf("sfu: transport-cc feedback: %w", err)
	}
	se := webrtc.SettingEngine{LoggerFactory: logs}
	// One network description for all peers: without it each ICE agent
	// enumerates the interfaces again (netlink), on every join.
	n, err := stdnet.NewNet()
	if err != nil {
		return nil, fmt.Errorf("sfu: network: %w", err)
	}
	se.SetNet(n)
	se.SetICEUDPMux(mux)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	if local.IP.IsLoopback() {
		se.SetIncludeLoopbackCandidate(true)
	}
	if len(cfg.PublicIPs) > 0 {
		se.SetNAT1To1IPs(cfg.PublicIPs, webrtc.ICECandidateTypeHost)
	}
	// Dead media: pion's agent declares the selected pair disconnected, then
	// failed, by the time since anything was last received on it; its
	// keepalives (binding requests the client must answer) are the consent
	// checks. The connection state then goes failed and OnFailed runs.
	se.SetICETimeouts(cfg.MediaTimeout/2, cfg.MediaTimeout-cfg.MediaTimeout/2, min(maxKeepalive, cfg.MediaTimeout/4))
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir),
		webrtc.WithSettingEngine(se)), nil
}

// NewMediaEngine returns the codecs and header extensions of the reference
// service: VP8, H.264 (constrained baseline, packetization-mode 1) and Opus,
// with abs-capture-time on both kinds and ssrc-audio-level on audio. Clients
// may use it to match the server exactly.
func NewMediaEngine() (*webrtc.MediaEngine, error) {
	m := &webrtc.MediaEngine{}
	fb := []webrtc.RTCPFeedback{{Type: "ccm", Parameter: "fir"}, {Type: "nack"}, {Type: "nack", Parameter: "pli"}}
	codecs := []struct {
		c    webrtc.RTPCodecParameters
		kind webrtc.RTPCodecType
	}{
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: fb}, PayloadType: 96}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeH264, ClockRate: 90000, RTCPFeedback: fb,
			SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"}, PayloadType: 102}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
			SDPFmtpLine: "minptime=10;useinbandfec=1"}, PayloadType: 111}, webrtc.RTPCodecTypeAudio},
	}
	for _, c := range codecs {
		if err := m.RegisterCodec(c.c, c.kind); err != nil {
			return nil, fmt.Errorf("sfu: register codec %s: %w", c.c.MimeType, err)
		}
	}
	exts := []struct {
		uri  string
		kind webrtc.RTPCodecType
	}{
		{AbsCaptureTimeURI, webrtc.RTPCodecTypeVideo},
		{AbsCaptureTimeURI, webrtc.RTPCodecTypeAudio},
		{AudioLevelURI, webrtc.RTPCodecTypeAudio},
	}
	for _, x := range exts {
		if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: x.uri}, x.kind); err != nil {
			return nil, fmt.Errorf("sfu: register header extension %s: %w", x.uri, err)
		}
	}
	return m, nil
}

// Stats returns the engine's counters.
func (e *Engine) Stats() *Stats { return &e.stats }

// UDPAddr is the address of the shared ICE socket.
func (e *Engine) UDPAddr() net.Addr { return e.conn.LocalAddr() }

// Close closes every peer still open, then the UDP socket. It is idempotent.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	peers := make([]*Peer, 0, len(e.peers))
	for p := range e.peers {
		peers = append(peers, p)
	}
	e.mu.Unlock()
	for _, p := range peers {
		_ = p.Close()
	}
	return e.mux.Close()
}

func (e *Engine) forget(p *Peer) {
	e.mu.Lock()
	delete(e.peers, p)
	e.mu.Unlock()
}
