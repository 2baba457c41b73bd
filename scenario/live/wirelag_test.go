package live

import (
	"testing"
	"time"
)

// TestWireLags: lateness injected into a synthetic Opus stream (20 ms
// frames, RTP clock through a wrap) comes back from wireLags, measured
// against the stream's most punctual packet.
func TestWireLags(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	late := map[int]time.Duration{10: 30 * time.Millisecond, 11: 25 * time.Millisecond, 40: 200 * time.Millisecond}
	var pkts []wirePacket
	ts := uint32(0xffffffff - 960*5) // wraps after 5 frames
	for k := range 50 {
		w := t0.Add(time.Duration(k)*20*time.Millisecond + time.Millisecond + late[k])
		pkts = append(pkts, wirePacket{wire: w, ssrc: 7, pt: 111, ts: ts})
		// a second stream, on time, interleaved
		pkts = append(pkts, wirePacket{wire: w.Add(-late[k]), ssrc: 8, pt: 111, ts: uint32(k) * 960})
		ts += 960
	}
	lags := wireLags(pkts)
	if len(lags) != len(pkts) {
		t.Fatalf("%d lags for %d packets", len(lags), len(pkts))
	}
	for k := range 50 {
		w := t0.Add(time.Duration(k)*20*time.Millisecond + time.Millisecond + late[k])
		var found bool
		for _, l := range lags {
			if l.wire.Equal(w) {
				found = true
				if d := l.lag - late[k]; d < -time.Microsecond || d > time.Microsecond {
					t.Errorf("frame %d: lag %v, injected %v", k, l.lag, late[k])
				}
			}
		}
		if !found {
			t.Fatalf("frame %d's packet missing", k)
		}
	}
}

// TestRTPHeader: RTP is read, RTCP (PT 192–223 with the marker bit's
// position, RFC 5761) and non-RTP are not.
func TestRTPHeader(t *testing.T) {
	ip := func(payload ...byte) []byte {
		b := append(make([]byte, 20+8), payload...)
		b[0] = 0x45
		return b
	}
	rtp := ip(0x80, 111, 0, 1, 0, 0, 3, 0xc0, 0, 0, 0, 9)
	p, ok := rtpHeader(rtp)
	if !ok || p.pt != 111 || p.ts != 960 || p.ssrc != 9 {
		t.Fatalf("rtp: %+v %v", p, ok)
	}
	for _, b := range [][]byte{ip(0x80, 200, 0, 6, 0, 0, 0, 0, 0, 0, 0, 9), ip(0x81, 205, 0, 3, 0, 0, 0, 0, 0, 0, 0, 9),
		ip(0x00, 0x01, 0, 0, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0), ip(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0)} {
		if p, ok := rtpHeader(b); ok {
			t.Errorf("% x read as RTP %+v", b[28:], p)
		}
	}
}
