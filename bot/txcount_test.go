package bot

import (
	"testing"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// TestTxCounterRetransmissionsAndNacks: a sequence number written again is
// a retransmission (counted apart, bytes too), and each NACKed sequence
// number counts once however often it is NACKed, across the wrap.
func TestTxCounterRetransmissionsAndNacks(t *testing.T) {
	t.Parallel()
	c := newTxCounter()
	i, _ := c.NewInterceptor("")
	w := i.BindLocalStream(&interceptor.StreamInfo{SSRC: 7}, interceptor.RTPWriterFunc(
		func(*rtp.Header, []byte, interceptor.Attributes) (int, error) { return 0, nil }))
	write := func(seq uint16) { _, _ = w.Write(&rtp.Header{SequenceNumber: seq}, make([]byte, 100), nil) }
	for s := uint16(65530); s != 10; s++ { // 16 originals across the wrap
		write(s)
	}
	write(65533) // two retransmissions
	write(2)
	nack := func(seqs ...uint16) {
		var pairs []rtcp.NackPair
		for _, s := range seqs {
			pairs = append(pairs, rtcp.NackPair{PacketID: s})
		}
		c.nacked(&rtcp.TransportLayerNack{MediaSSRC: 7, Nacks: pairs})
	}
	nack(65533, 2)
	nack(65533, 2, 3) // repeated NACKs name 3 distinct packets
	nack(500)         // never sent: ignored
	got := c.counts(7)
	if got.packets != 16 || got.bytes != 1600 || got.rtxPackets != 2 || got.rtxBytes != 200 || got.nacked != 3 {
		t.Fatalf("counts %+v; want 16 originals (1600 B), 2 retransmissions (200 B), 3 NACKed", got)
	}
}
