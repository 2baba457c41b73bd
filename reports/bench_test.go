package reports

import (
	"testing"
	"time"
)

// BenchmarkDirWriteSample is the producer's cost of one stats line (encode +
// enqueue) with many bots writing at once.
func BenchmarkDirWriteSample(b *testing.B) {
	w, err := Create(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	rtt, jit := 20.0, 3.0
	s := Sample{Time: t0, User: "bot-0042", Room: "1001", Interval: 1, TxKbps: 900, RxKbps: 1800, RTTMs: &rtt, JitterMs: &jit,
		Tracks: []TrackSample{{Dir: Tx, Kind: "video", SSRC: 1, Kbps: 850}, {Dir: Tx, Kind: "audio", SSRC: 2, Kbps: 50},
			{Dir: Rx, Kind: "video", Remote: "bot-0043", SSRC: 3, Kbps: 850, JitterMs: &jit}, {Dir: Rx, Kind: "audio", Remote: "bot-0043", SSRC: 4, Kbps: 50}}}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w.WriteSample(s)
		}
	})
	b.StopTimer()
	start := time.Now()
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(w.Dropped()), "dropped")
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "close-ms")
}

// BenchmarkLoad reads back 100 bots × 600 s of samples (60,000 stats lines).
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	w, err := Create(dir)
	if err != nil {
		b.Fatal(err)
	}
	rtt := 20.0
	for s := range 600 {
		for bot := range 100 {
			w.WriteSample(Sample{Time: t0.Add(time.Duration(s) * time.Second), User: "bot", Room: "1001", Interval: 1, TxKbps: float64(bot), RTTMs: &rtt,
				Tracks: []TrackSample{{Dir: Tx, Kind: "video", SSRC: 1, Kbps: 850}, {Dir: Rx, Kind: "video", SSRC: 3, Kbps: 850}}})
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		d, err := Load(dir)
		if err != nil || len(d.Samples) != 60000 {
			b.Fatalf("%v %d", err, len(d.Samples))
		}
	}
}
