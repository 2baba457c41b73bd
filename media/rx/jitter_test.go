package rx

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
)

// rfc3550Jitter is the reference computation of RFC 3550 Appendix A.8,
// transcribed: arrival and timestamps in 32-bit timestamp units (the C
// code's unsigned and int arithmetic, so wrap-around cancels), the estimate
// a double.
func rfc3550Jitter(arrivals, tss []uint32) float64 {
	var jitter float64
	var last int32
	for i := range arrivals {
		transit := int32(arrivals[i] - tss[i])
		d := transit - last
		last = transit
		if i == 0 {
			continue
		}
		if d < 0 {
			d = -d
		}
		jitter += (1.0 / 16.0) * (float64(d) - jitter)
	}
	return jitter
}

// TestJitterIsRFC3550: audio packets every 20 ms (48 kHz) with a uniform
// random network delay in [0, 30 ms) injected. The analyzer's jitter is
// RFC 3550's formula (the appendix's code on the same packets), and near its
// expected value for that injection: E|D| for the difference of two
// independent U(0, a) delays is a/3 (10 ms for a = 30 ms). Retransmissions
// of old packets, arriving late, change nothing.
func TestJitterIsRFC3550(t *testing.T) {
	t.Parallel()
	const clock, spread = 48000, 30 * time.Millisecond
	start := time.Unix(1_700_000_000, 0)
	for _, withRTX := range []bool{false, true} {
		a := NewAnalyzer(media.CodecOpus, start)
		rng := rand.New(rand.NewPCG(1, 2))
		var arrivals []uint32
		var tss []uint32
		var sent []rtp.Packet
		for i := 0; i < 3000; i++ {
			ts := uint32(4_294_000_000) + uint32(i*960) // wraps
			// Arrival rounded to whole timestamp units, as the
			// appendix computes.
			u := int64(i)*960 + int64(rng.Float64()*spread.Seconds()*clock)
			at := start.Add(time.Duration(u) * time.Second / clock)
			p := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(65000 + i), Timestamp: ts}, Payload: []byte{1}}
			a.Packet(&p, at)
			arrivals, tss = append(arrivals, uint32(u)), append(tss, ts)
			sent = append(sent, p)
			if withRTX && i%10 == 9 {
				// A repair of a packet 5 back, 40 ms late.
				old := sent[i-5]
				a.Packet(&old, at.Add(40*time.Millisecond))
			}
		}
		s := a.Snapshot(start.Add(61 * time.Second))
		got := s.Jitter.Seconds() * clock
		want := rfc3550Jitter(arrivals, tss)
		if math.Abs(got-want) > 1 { // < 1 timestamp unit (21 µs)
			t.Errorf("rtx=%v: jitter %.2f units, RFC 3550 A.8 gives %.2f", withRTX, got, want)
		}
		if ms := s.Jitter.Seconds() * 1000; ms < 7 || ms > 13 {
			t.Errorf("rtx=%v: jitter %.2f ms for U(0, 30 ms) delays, expected about 10 ms", withRTX, ms)
		}
		if s.JitterUpdates != 2999 {
			t.Errorf("rtx=%v: %d jitter updates, want 2999 (originals only)", withRTX, s.JitterUpdates)
		}
		t.Logf("rtx=%v: jitter %.2f ms (RFC 3550 A.8: %.2f ms)", withRTX, s.Jitter.Seconds()*1000, want/clock*1000)
	}
}
