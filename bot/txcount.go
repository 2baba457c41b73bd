package bot

import (
	"sync"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// txCounter counts, for every stream the bot sends, what its RTP stack
// writes below the NACK responder (so retransmissions are seen) and what the
// receiver asked to have repaired:
//
//   - original packets and their payload bytes: a sequence number newer
//     than any sent before;
//   - retransmitted packets and bytes: a sequence number sent before (the
//     NACK responder resends on the same SSRC; the reference service has
//     no RTX);
//   - NACKed packets: distinct sequence numbers the receiver reported lost
//     in its NACKs. A receiver that NACKs every gap (the reference service's
//     publisher legs do) names each packet the path lost once, so
//     NACKed ÷ originals is the path loss before repair, while the
//     receiver report's fraction lost is what remained after repair.
//
// One txCounter serves all the bot's PeerConnections: the interceptor it
// makes shares its streams map. Safe for concurrent use.
type txCounter struct {
	mu      sync.Mutex
	streams map[uint32]*txStream
}

// txStream is one sent SSRC's counts. Guarded by txCounter.mu.
type txStream struct {
	init    bool
	highest int64 // extended highest sequence number written
	txWireCounts
	nackSeen [seqBitmapWords]uint64 // NACKed sequence numbers, last seqBitmapWords·64
}

// txWireCounts are cumulative counts of one sent stream.
type txWireCounts struct {
	packets, bytes       uint64 // originals
	rtxPackets, rtxBytes uint64 // retransmissions
	nacked               uint64 // distinct sequence numbers NACKed
}

// seqBitmapWords sizes the NACK dedup window (4096 sequence numbers: far
// more than a NACK responder keeps).
const seqBitmapWords = 64

func newTxCounter() *txCounter { return &txCounter{streams: map[uint32]*txStream{}} }

// counts returns ssrc's cumulative counts (zero when unknown).
func (c *txCounter) counts(ssrc uint32) txWireCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.streams[ssrc]; s != nil {
		return s.txWireCounts
	}
	return txWireCounts{}
}

func (c *txCounter) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &txCountInterceptor{c: c}, nil
}

type txCountInterceptor struct {
	interceptor.NoOp
	c *txCounter
}

// BindLocalStream counts every packet written to a sent stream.
func (i *txCountInterceptor) BindLocalStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	c := i.c
	c.mu.Lock()
	if c.streams[info.SSRC] == nil {
		c.streams[info.SSRC] = &txStream{}
	}
	s := c.streams[info.SSRC]
	c.mu.Unlock()
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
		n := uint64(len(payload))
		if h.Padding && n > 0 {
			n -= min(n, uint64(payload[len(payload)-1]))
		}
		c.mu.Lock()
		s.write(h.SequenceNumber, n)
		c.mu.Unlock()
		return w.Write(h, payload, a)
	})
}

// UnbindLocalStream forgets a stream that ended.
func (i *txCountInterceptor) UnbindLocalStream(info *interceptor.StreamInfo) {
	i.c.mu.Lock()
	delete(i.c.streams, info.SSRC)
	i.c.mu.Unlock()
}

// BindRTCPReader records the sequence numbers NACKed for sent streams.
func (i *txCountInterceptor) BindRTCPReader(r interceptor.RTCPReader) interceptor.RTCPReader {
	return interceptor.RTCPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, a, err := r.Read(b, a)
		if err != nil {
			return n, a, err
		}
		if a == nil {
			a = interceptor.Attributes{}
		}
		pkts, err := a.GetRTCPPackets(b[:n])
		if err != nil {
			return n, a, nil // not ours to judge; the other readers see it too
		}
		for _, p := range pkts {
			if nk, ok := p.(*rtcp.TransportLayerNack); ok {
				i.c.nacked(nk)
			}
		}
		return n, a, nil
	})
}

func (c *txCounter) nacked(nk *rtcp.TransportLayerNack) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.streams[nk.MediaSSRC]
	if s == nil {
		return
	}
	for j := range nk.Nacks {
		nk.Nacks[j].Range(func(seq uint16) bool {
			s.nack(seq)
			return true
		})
	}
}

// extend interprets seq as the extended sequence number nearest highest.
func (s *txStream) extend(seq uint16) int64 {
	return s.highest + int64(int16(seq-uint16(s.highest)))
}

func (s *txStream) write(seq uint16, payload uint64) {
	if !s.init {
		s.init, s.highest = true, int64(seq)
		s.packets, s.bytes = 1, payload
		return
	}
	ext := s.extend(seq)
	if ext <= s.highest {
		s.rtxPackets++
		s.rtxBytes += payload
		return
	}
	// Sequence numbers now reused by the window were not NACKed yet.
	for e := max(s.highest+1, ext-seqBitmapWords*64+1); e <= ext; e++ {
		w, bit := bitOf(e)
		s.nackSeen[w] &^= bit
	}
	s.highest = ext
	s.packets++
	s.bytes += payload
}

// nack records one NACKed sequence number, once.
func (s *txStream) nack(seq uint16) {
	if !s.init {
		return
	}
	ext := s.extend(seq)
	if ext > s.highest || s.highest-ext >= seqBitmapWords*64 {
		return // never sent, or too old to tell apart
	}
	w, bit := bitOf(ext)
	if s.nackSeen[w]&bit == 0 {
		s.nackSeen[w] |= bit
		s.nacked++
	}
}

func bitOf(e int64) (int, uint64) {
	i := int(uint64(e) % (seqBitmapWords * 64))
	return i / 64, 1 << (i % 64)
}

var (
	_ interceptor.Factory     = (*txCounter)(nil)
	_ interceptor.Interceptor = (*txCountInterceptor)(nil)
)
