package netem

import "sync"

// RTPCount is what one direction of a Net did to one RTP stream (SSRC):
// the ground truth a receiver's loss figures are checked against. SRTP
// leaves the RTP header in the clear, so the sequence number is read off
// the wire; a sequence number seen before is a retransmission.
type RTPCount struct {
	Originals, OriginalsDropped     uint64 // first transmissions
	Retransmits, RetransmitsDropped uint64 // sequence numbers seen again
	// Span and SpanDropped count the first transmissions from the first
	// one delivered to the last one delivered: what a receiver counting
	// sequence-number gaps can know of (drops before its first packet and
	// after its last leave no gap).
	Span, SpanDropped uint64
}

// rtpTally counts RTP datagrams by SSRC for one direction.
type rtpTally struct {
	mu      sync.Mutex
	streams map[uint32]*rtpStream
}

type rtpStream struct {
	RTPCount
	seen      [1 << 16 / 64]uint64 // sequence numbers seen, one bit each
	delivered bool                 // an original passed
	pending   uint64               // originals dropped since the last one delivered
}

// rtpHeader returns the SSRC and sequence number of an RTP datagram; false
// for RTCP, STUN, DTLS and anything else.
func rtpHeader(b []byte) (ssrc uint32, seq uint16, ok bool) {
	if len(b) < 12 || b[0]>>6 != 2 {
		return 0, 0, false
	}
	if pt := b[1] & 0x7f; pt >= 64 && pt <= 95 { // RTCP 192–223 with the marker bit
		return 0, 0, false
	}
	return uint32(b[8])<<24 | uint32(b[9])<<16 | uint32(b[10])<<8 | uint32(b[11]), uint16(b[2])<<8 | uint16(b[3]), true
}

func (t *rtpTally) add(b []byte, dropped bool) {
	ssrc, seq, ok := rtpHeader(b)
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.streams == nil {
		t.streams = map[uint32]*rtpStream{}
	}
	s := t.streams[ssrc]
	if s == nil {
		s = &rtpStream{}
		t.streams[ssrc] = s
	}
	w, bit := seq/64, uint64(1)<<(seq%64)
	again := s.seen[w]&bit != 0
	s.seen[w] |= bit
	switch {
	case again && dropped:
		s.RetransmitsDropped++
		s.Retransmits++
	case again:
		s.Retransmits++
	case dropped:
		s.OriginalsDropped++
		s.Originals++
		if s.delivered {
			s.pending++
		}
	default:
		s.Originals++
		if s.delivered {
			s.Span += s.pending + 1
			s.SpanDropped += s.pending
		} else {
			s.delivered, s.Span = true, 1
		}
		s.pending = 0
	}
}

func (t *rtpTally) get(ssrc uint32) RTPCount {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := t.streams[ssrc]; s != nil {
		return s.RTPCount
	}
	return RTPCount{}
}

// UpRTP and DownRTP return what the Up and Down links did to the RTP
// stream ssrc so far, over all of n's sockets.
func (n *Net) UpRTP(ssrc uint32) RTPCount   { return n.upRTP.get(ssrc) }
func (n *Net) DownRTP(ssrc uint32) RTPCount { return n.downRTP.get(ssrc) }
