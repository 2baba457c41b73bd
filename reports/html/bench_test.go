package html

import (
	"io"
	"testing"

	"github.com/roombot/roombot/reports/summary"
)

// BenchmarkWrite500x600 renders 500 bots in 6-person rooms over 10 minutes
// (300,000 samples) and reports the page size.
func BenchmarkWrite500x600(b *testing.B) {
	d := fixture(500, 6, 600)
	s := summary.Compute(d)
	var n countWriter
	b.ReportAllocs()
	for b.Loop() {
		n = 0
		if err := Write(&n, d, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/1e6, "MB/page")
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
