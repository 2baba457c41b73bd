package rx

import (
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// FuzzAnalyzer feeds arbitrary packets (raw RTP, as the network delivers
// them) to video and audio analyzers: they must never panic and their
// counters must stay consistent.
func FuzzAnalyzer(f *testing.F) {
	p := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: 65535, Timestamp: 1, Marker: true}, Payload: []byte{0x10, 0x00}}
	_ = p.Header.SetExtension(1, make([]byte, 8))
	_ = p.Header.SetExtension(2, []byte{0x85})
	raw, _ := p.Marshal()
	f.Add(raw, raw)
	f.Add([]byte{0x80, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x7c, 0x85}, []byte{0x80, 0x80, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	lib, err := fixture.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ext := media.Extensions{AbsCaptureTime: 1, AudioLevel: 2}
		for _, c := range []media.Codec{media.CodecVP8, media.CodecH264, media.CodecOpus} {
			an := NewAnalyzer(c, time.Unix(0, 0), WithExtensions(ext), WithRecognizer(lib.Recognize))
			for i, raw := range [][]byte{a, b, a} {
				var p rtp.Packet
				if p.Unmarshal(raw) != nil {
					continue
				}
				an.Packet(&p, time.Unix(0, int64(i)*int64(time.Millisecond)))
			}
			s := an.Snapshot(time.Unix(1, 0))
			if s.Total.Expected < 0 || uint64(s.Total.Expected) > s.Total.Packets+65536 || s.Total.Frames > s.Total.Packets {
				t.Fatalf("%s: inconsistent counts %+v", c, s.Total)
			}
		}
	})
}
