package rx

import (
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// BenchmarkAnalyzerPacket is the per-packet cost of analysing a received
// 360p VP8 stream with abs-capture-time and camera recognition.
func BenchmarkAnalyzerPacket(b *testing.B) {
	lib, err := fixture.Default()
	if err != nil {
		b.Fatal(err)
	}
	clip, _ := lib.Video("front", media.CodecVP8, 360)
	var pkts []rtp.Packet
	abs := make([]byte, 8)
	media.PutAbsCaptureTime(abs, time.Now())
	seq := uint16(0)
	for i := range clip.Frames {
		ps := clip.Packets(i)
		for k, pl := range ps {
			p := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: clip.Frames[i].TS, Marker: k == len(ps)-1}, Payload: pl}
			_ = p.Header.SetExtension(3, abs)
			pkts = append(pkts, p)
			seq++
		}
	}
	a := NewAnalyzer(media.CodecVP8, time.Now(), WithExtensions(media.Extensions{AbsCaptureTime: 3}), WithRecognizer(lib.Recognize))
	at := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := &pkts[i%len(pkts)]
		if i%len(pkts) == 0 {
			// Keep timestamps and sequence numbers moving forward across
			// the replayed loop, as a real stream does.
			for k := range pkts {
				pkts[k].SequenceNumber += uint16(len(pkts))
				pkts[k].Timestamp += clip.Duration
			}
		}
		at = at.Add(200 * time.Microsecond)
		a.Packet(p, at)
		i++
	}
}
