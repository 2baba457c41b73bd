package live

import (
	"encoding/binary"
	"errors"
	"math"
	"net"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// wirePacket is one RTP packet a bot sent to the service, as the kernel saw
// it on the loopback interface: when it crossed the wire, and the fixed RTP
// header's clock, which stays in the clear under SRTP and cryptex (the
// header extensions, abs-capture-time among them, are encrypted: pion
// negotiates RFC 9335 with the reference service).
type wirePacket struct {
	wire time.Time
	ssrc uint32
	pt   uint8
	ts   uint32
}

// wireCapture records the RTP packets sent to one UDP port on loopback
// with an AF_PACKET socket (root only) and kernel receive timestamps, so
// that the media pacing lag is measured outside roombot (wireLags): neither
// the players' own lag histogram nor the health code is involved, and a
// reader starved of CPU still gets the kernel's times.
type wireCapture struct {
	fd   int
	done chan struct{}
	wg   sync.WaitGroup

	mu   sync.Mutex
	pkts []wirePacket
}

var errNoCapture = errors.New("packet capture needs root (AF_PACKET)")

// startWireCapture captures UDP packets to port on lo until stop.
func startWireCapture(tb testing.TB, port int) (*wireCapture, error) {
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		return nil, err
	}
	const ethPIP = 0x0800
	proto := int(htons(ethPIP))
	fd, err := syscall.Socket(syscall.AF_PACKET, syscall.SOCK_DGRAM, proto)
	if err != nil {
		return nil, errors.Join(errNoCapture, err)
	}
	// Only incoming (PACKET_HOST) IPv4 UDP to port: lo shows every packet
	// twice (outgoing and incoming) and carries other processes' traffic.
	const skfAdPkttype = 0xfffff000 + 4
	filter := []syscall.SockFilter{
		*syscall.LsfStmt(syscall.BPF_LD|syscall.BPF_W|syscall.BPF_ABS, skfAdPkttype),
		*syscall.LsfJump(syscall.BPF_JMP|syscall.BPF_JEQ|syscall.BPF_K, syscall.PACKET_HOST, 0, 6),
		*syscall.LsfStmt(syscall.BPF_LD|syscall.BPF_B|syscall.BPF_ABS, 9),
		*syscall.LsfJump(syscall.BPF_JMP|syscall.BPF_JEQ|syscall.BPF_K, syscall.IPPROTO_UDP, 0, 4),
		*syscall.LsfStmt(syscall.BPF_LDX|syscall.BPF_B|syscall.BPF_MSH, 0),
		*syscall.LsfStmt(syscall.BPF_LD|syscall.BPF_H|syscall.BPF_IND, 2),
		*syscall.LsfJump(syscall.BPF_JMP|syscall.BPF_JEQ|syscall.BPF_K, port, 0, 1),
		*syscall.LsfStmt(syscall.BPF_RET|syscall.BPF_K, 0xffff),
		*syscall.LsfStmt(syscall.BPF_RET|syscall.BPF_K, 0),
	}
	setup := []error{
		syscall.AttachLsf(fd, filter),
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, 64<<20),
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1),
		syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &syscall.Timeval{Usec: 100_000}),
		syscall.Bind(fd, &syscall.SockaddrLinklayer{Protocol: htons(ethPIP), Ifindex: lo.Index}),
	}
	if err := errors.Join(setup...); err != nil {
		_ = syscall.Close(fd)
		return nil, err
	}
	c := &wireCapture{fd: fd, done: make(chan struct{})}
	c.wg.Add(1)
	go c.read()
	tb.Cleanup(c.stop)
	return c, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func (c *wireCapture) read() {
	defer c.wg.Done()
	buf := make([]byte, 2048)
	oob := make([]byte, 128)
	for {
		select {
		case <-c.done:
			return
		default:
		}
		n, oobn, _, _, err := syscall.Recvmsg(c.fd, buf, oob, 0)
		if err != nil {
			continue // EAGAIN: the 100 ms receive timeout, to look at done
		}
		wire, ok := kernelTime(oob[:oobn])
		if !ok {
			continue
		}
		p, ok := rtpHeader(buf[:n])
		if !ok {
			continue // STUN, DTLS, RTCP
		}
		p.wire = wire
		c.mu.Lock()
		c.pkts = append(c.pkts, p)
		c.mu.Unlock()
	}
}

// stop ends the capture; it is idempotent.
func (c *wireCapture) stop() {
	select {
	case <-c.done:
		return
	default:
	}
	close(c.done)
	c.wg.Wait()
	_ = syscall.Close(c.fd)
}

// packets returns what was captured so far.
func (c *wireCapture) packets() []wirePacket {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]wirePacket(nil), c.pkts...)
}

// kernelTime is the SCM_TIMESTAMPNS receive time in a control message.
func kernelTime(oob []byte) (time.Time, bool) {
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}, false
	}
	for _, m := range msgs {
		if m.Header.Level == syscall.SOL_SOCKET && m.Header.Type == syscall.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
			sec := int64(binary.NativeEndian.Uint64(m.Data[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(m.Data[8:16]))
			return time.Unix(sec, nsec), true
		}
	}
	return time.Time{}, false
}

// rtpHeader reads an IPv4 UDP datagram's RTP header; ok is false for
// anything else (STUN, DTLS, RTCP).
func rtpHeader(ip []byte) (p wirePacket, ok bool) {
	if len(ip) < 20 || ip[0]>>4 != 4 {
		return p, false
	}
	udp := ip[int(ip[0]&0x0f)*4:]
	if len(udp) < 8+12 {
		return p, false
	}
	b := udp[8:]
	if b[0]>>6 != 2 || (b[1]&0x7f >= 64 && b[1]&0x7f <= 95) { // not RTP, or RTCP (PT 192–223, RFC 5761)
		return p, false
	}
	return wirePacket{pt: b[1] & 0x7f, ts: binary.BigEndian.Uint32(b[4:]), ssrc: binary.BigEndian.Uint32(b[8:])}, true
}

// rtpClock is the clock rate of the reference service's payload types
// (server/sfu/engine.go): Opus 111 at 48 kHz, video at 90 kHz.
func rtpClock(pt uint8) float64 {
	if pt == 111 {
		return 48000
	}
	return 90000
}

// wireLag is one packet's lateness and when it crossed the wire.
type wireLag struct {
	wire time.Time
	lag  time.Duration
}

// wireLags measures how late each packet crossed the wire against its
// stream's own schedule. A player stamps RTP timestamps from its schedule
// (media/play: frame k is due at t0 + k·duration and carries ts0 + k·duration
// in clock units), so wire − ts/clock is the stream's start t0 plus that
// packet's lateness; the stream's smallest value is t0 plus its most
// punctual packet (the pacing scheduler writes at most 2 ms early), and
// each packet's lag is its value minus that smallest one. Retransmissions
// (another SSRC and payload type, on the same clock) and a stream whose
// every packet was late (its lag is understated) are the limits; a player
// that gives up a schedule more than 1 s behind (play.DefaultMaxLag) keeps
// its RTP clock, so its later packets all look late: after such a gap the
// run has long been flagged.
func wireLags(pkts []wirePacket) []wireLag {
	type stream struct {
		first uint32
		ext   int64 // unwrapped ts of the previous packet, from first
		min   time.Duration
		idx   []int
		off   []time.Duration
	}
	streams := map[uint32]*stream{}
	var order []uint32
	for i, p := range pkts {
		s := streams[p.ssrc]
		if s == nil {
			s = &stream{first: p.ts, min: time.Duration(math.MaxInt64)}
			streams[p.ssrc] = s
			order = append(order, p.ssrc)
		}
		d := int64(int32(p.ts - s.first - uint32(s.ext))) // signed step from the previous: wrap-safe
		s.ext += d
		off := time.Duration(p.wire.UnixNano()) - time.Duration(float64(s.ext)/rtpClock(p.pt)*float64(time.Second))
		s.min = min(s.min, off)
		s.idx, s.off = append(s.idx, i), append(s.off, off)
	}
	var out []wireLag
	for _, ssrc := range order {
		s := streams[ssrc]
		for k, i := range s.idx {
			out = append(out, wireLag{wire: pkts[i].wire, lag: s.off[k] - s.min})
		}
	}
	slices.SortFunc(out, func(a, b wireLag) int { return a.wire.Compare(b.wire) })
	return out
}
