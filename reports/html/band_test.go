package html

import (
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

func figureByID(id string) figure {
	for _, f := range figures {
		if f.id == id {
			return f
		}
	}
	panic("no figure " + id)
}

func layerNamed(p *plot, name string) layer {
	for _, l := range p.layers {
		if l.name == name {
			return l
		}
	}
	return layer{}
}

// TestFrameRateChartPerTrack: a bot receiving three 15 fps tracks is
// charted at 15 fps per track, like the metric, not 45 (issue 8, item 10).
// TestBandChartShowsOutlier: one impaired bot's 216 ms RTT among 29 at
// 20 ms is above the p95 band and hidden by the median: the max line shows
// it (issue 8, item 16).
func TestFrameRateChartPerTrack(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var d reports.Dataset
	for s := 1; s <= 10; s++ {
		smp := reports.Sample{Time: t0.Add(time.Duration(s) * time.Second), User: "a", FPS: 45}
		for _, r := range []string{"b", "c", "d"} {
			smp.Tracks = append(smp.Tracks, reports.TrackSample{Dir: reports.Rx, Kind: "video", Remote: r, FPS: 15},
				reports.TrackSample{Dir: reports.Rx, Kind: "audio", Remote: r, FPS: 50})
		}
		d.Samples = append(d.Samples, smp)
	}
	p := bandPlot(figureByID("fps"), reports.ColumnsOf(&d), newAxis(t0, t0.Add(11*time.Second)), nil)
	for _, name := range []string{"p50", "max"} {
		for _, y := range layerNamed(p, name).y {
			if y != 15 {
				t.Fatalf("%s line at %v fps, want 15 (per track)", name, y)
			}
		}
	}
}

func TestBandChartShowsOutlier(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var d reports.Dataset
	for s := 1; s <= 10; s++ {
		for b := 0; b < 30; b++ {
			rtt := 20.0
			if b == 7 {
				rtt = 216
			}
			d.Samples = append(d.Samples, reports.Sample{Time: t0.Add(time.Duration(s) * time.Second), User: string(rune('a' + b)), RTTMs: &rtt})
		}
	}
	p := bandPlot(figureByID("rtt"), reports.ColumnsOf(&d), newAxis(t0, t0.Add(11*time.Second)), nil)
	top, band := layerNamed(p, "max"), layerNamed(p, "p5–p95")
	if len(top.y) == 0 {
		t.Fatal("no max line")
	}
	for i, y := range top.y {
		if y != 216 || band.y[i] >= 216 {
			t.Fatalf("bucket %d: max %v, p95 %v; want the 216 ms outlier on the max line only", i, y, band.y[i])
		}
	}
}
