package bot

import (
	"testing"
	"time"
)

func TestSeqLoss(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                     string
		seqs                     []uint16
		expected, lost, repaired uint64
	}{
		{"in order", []uint16{10, 11, 12, 13}, 4, 0, 0},
		{"one gap", []uint16{10, 11, 14, 15}, 6, 2, 0},
		{"gap repaired later", []uint16{10, 12, 13, 11}, 4, 1, 1},
		{"wrap", []uint16{65534, 65535, 0, 2}, 5, 1, 0},
		{"duplicate", []uint16{5, 6, 6, 7}, 3, 0, 0},
		{"wrap back before start", []uint16{0, 65535, 1}, 2, 0, 1},
		{"huge jump is a restart", []uint16{1, 30000, 30001}, 3, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var s seqLoss
			for _, q := range tc.seqs {
				s.add(q)
			}
			c := s.counters()
			if c.expected != tc.expected || c.lost != tc.lost || c.repaired != tc.repaired {
				t.Fatalf("got %+v, want expected %d lost %d repaired %d", c, tc.expected, tc.lost, tc.repaired)
			}
		})
	}
}

func FuzzSeqLoss(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 0, 5, 0, 3})
	f.Add([]byte{255, 254, 255, 255, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s seqLoss
		for i := 0; i+1 < len(b); i += 2 {
			s.add(uint16(b[i])<<8 | uint16(b[i+1]))
		}
		c := s.counters()
		if c.lost > c.expected {
			t.Fatalf("lost %d > expected %d", c.lost, c.expected)
		}
	})
}

// FuzzAnalyzerPacket feeds arbitrary datagrams (outside input: whatever the
// network delivers) to a track's analysis: it must never panic.
func FuzzAnalyzerPacket(f *testing.F) {
	f.Add([]byte{0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0x10, 0, 0x9d, 0x01, 0x2a})
	f.Add([]byte{0x90, 0xe0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0xbe, 0xde, 0, 1, 0x17, 1, 2, 3})
	h, err := NewHost()
	if err != nil {
		f.Fatal(err)
	}
	defer h.Close()
	f.Fuzz(func(t *testing.T, pkt []byte) {
		for _, kind := range []string{"video", "audio"} {
			mime := "video/VP8"
			if kind == "audio" {
				mime = "audio/opus"
			}
			a := h.media.newAnalyzer(mime, kind, nil, time.Now(), rxEvents{
				FirstFrame: func(time.Time) {}, FreezeStart: func(time.Time) {},
				FreezeEnd: func(time.Time, time.Duration) {}, Source: func(string) {},
			})
			a.Packet(pkt, time.Now())
			a.Snapshot(time.Now())
		}
	})
}
