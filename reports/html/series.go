package html

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// maxBuckets bounds the points of a time series: a run longer than this many
// seconds is aggregated over wider buckets.
const maxBuckets = 1200

// axis maps times to buckets of width step seconds from start.
type axis struct {
	start time.Time
	step  float64 // seconds per bucket, >= 1
	n     int     // buckets
}

func newAxis(start, end time.Time) axis {
	dur := end.Sub(start).Seconds()
	if dur < 0 || start.IsZero() {
		dur = 0
	}
	step := max(1, math.Ceil(dur/maxBuckets))
	return axis{start: start, step: step, n: int(dur/step) + 1}
}

// bucket of t, clamped into the axis.
func (a axis) bucket(t time.Time) int {
	i := int(t.Sub(a.start).Seconds() / a.step)
	return max(0, min(i, a.n-1))
}

// x of bucket i: its start in seconds from the run's start.
func (a axis) x(i int) float64 { return float64(i) * a.step }

// seconds from the run's start to t.
func (a axis) sec(t time.Time) float64 { return t.Sub(a.start).Seconds() }

// figure extracts one measured figure from the samples' columns: each
// calls add for every value sample i measured (none: not measured; one per
// track for a per-track figure).
type figure struct {
	id, title, unit string
	each            func(c *reports.Columns, i int, add func(float64))
}

// column adds a column's value (a NaN, reports.Absent, is dropped by the
// band).
func column(col func(*reports.Columns) []float64) func(*reports.Columns, int, func(float64)) {
	return func(c *reports.Columns, i int, add func(float64)) { add(col(c)[i]) }
}

// videoTrackFPS is the frame rate of each received video track, as the
// fps assertion and summary.json measure it: a bot's FPS sums its tracks
// (three 15 fps streams are 45), which depends on the room's size. A
// sample without track figures keeps its bot-level figure.
func videoTrackFPS(c *reports.Columns, i int, add func(float64)) {
	for _, v := range c.FPS(i) {
		add(v)
	}
}

// figures are the band charts, in page order.
var figures = []figure{
	{"tx", "Bitrate out (sent) per bot", "kbps", column(func(c *reports.Columns) []float64 { return c.Tx })},
	{"rx", "Bitrate in (received) per bot", "kbps", column(func(c *reports.Columns) []float64 { return c.Rx })},
	{"loss", "Receive loss per bot", "%", column(func(c *reports.Columns) []float64 { return c.Loss })},
	{"jitter", "Jitter per bot", "ms", column(func(c *reports.Columns) []float64 { return c.Jitter })},
	{"rtt", "RTT per bot", "ms", column(func(c *reports.Columns) []float64 { return c.RTT })},
	{"fps", "Received video frame rate per track", "fps", videoTrackFPS},
	{"e2e", "End-to-end latency per bot", "ms", column(func(c *reports.Columns) []float64 { return c.E2E })},
}

// bandPlots are the band charts of figures, in their order, computed on
// every core (they only read c).
func bandPlots(c *reports.Columns, a axis, marks []mark) []*plot {
	out := make([]*plot, len(figures))
	reports.ParallelFor(len(figures), func(i int) { out[i] = bandPlot(figures[i], c, a, marks) })
	return out
}

// bandPlot is a figure's p50 line over its p5–p95 band across bots, per
// bucket, with the bucket's maximum as a line of its own: one impaired bot
// among many is outside the band, and the max line shows it.
func bandPlot(f figure, c *reports.Columns, a axis, marks []mark) *plot {
	// two passes: count each bucket's values, then fill one array cut
	// into the buckets (no slice grows: the run's values are held once)
	buckets := make([]int32, c.Len())
	count := make([]int, a.n+1)
	for i := range c.Len() {
		b := a.bucket(c.Time(i))
		buckets[i] = int32(b)
		f.each(c, i, func(v float64) {
			if !math.IsNaN(v) {
				count[b+1]++
			}
		})
	}
	for b := range a.n {
		count[b+1] += count[b]
	}
	all := make([]float64, count[a.n])
	per := make([][]float64, a.n)
	for b := range a.n {
		per[b] = all[count[b]:count[b]:count[b+1]]
	}
	for i := range c.Len() {
		b := buckets[i]
		f.each(c, i, func(v float64) {
			if !math.IsNaN(v) {
				per[b] = append(per[b], v)
			}
		})
	}
	band := layer{name: "p5–p95", color: colorBand, kind: bandLayer}
	mid := layer{name: "p50", color: colorLine, kind: lineLayer}
	top := layer{name: "max", color: colorMax, kind: lineLayer}
	for i, v := range per {
		if len(v) == 0 {
			continue
		}
		slices.Sort(v)
		x := a.x(i)
		band.x, band.lo, band.y = append(band.x, x), append(band.lo, summary.Percentile(v, 5)), append(band.y, summary.Percentile(v, 95))
		mid.x, mid.y = append(mid.x, x), append(mid.y, summary.Percentile(v, 50))
		top.x, top.y = append(top.x, x), append(top.y, v[len(v)-1])
	}
	title := f.title
	if a.step > 1 {
		title += " (per " + fmtClock(a.step) + " bucket)"
	}
	return &plot{id: "chart-" + f.id, title: title, unit: f.unit, xMax: a.x(a.n), marks: marks,
		layers: []layer{band, top, mid}, note: "not measured in this run"}
}

// joinsPlot shows cumulative entered and failed enters, and enters per bucket.
func joinsPlot(d *reports.Dataset, a axis, marks []mark) *plot {
	ent, fail := make([]float64, a.n), make([]float64, a.n)
	any := false
	for _, e := range d.Events {
		switch e.Event {
		case reports.EvEntered:
			ent[a.bucket(e.Time)]++
			any = true
		case reports.EvEnterFailed:
			fail[a.bucket(e.Time)]++
			any = true
		}
	}
	p := &plot{id: "chart-joins", title: "Joins over time", unit: "bots", xMax: a.x(a.n), marks: marks, note: "no enter attempts"}
	if !any {
		return p
	}
	per := layer{name: "entered per bucket", color: "#a1d99b", kind: barLayer}
	cumE := layer{name: "entered (total)", color: "#238b45", kind: stepLayer}
	cumF := layer{name: "failed (total)", color: colorRed, kind: stepLayer}
	var te, tf float64
	for i := range a.n {
		te, tf = te+ent[i], tf+fail[i]
		x := a.x(i)
		per.x, per.y = append(per.x, x), append(per.y, ent[i])
		cumE.x, cumE.y = append(cumE.x, x), append(cumE.y, te)
		cumF.x, cumF.y = append(cumF.x, x), append(cumF.y, tf)
	}
	p.layers = []layer{per, cumE, cumF}
	return p
}

// freezesPlot shows freezes started per bucket (all bots): freeze_start
// events (summary.IsFreeze, the count of the totals and the assertions), at
// the time the freeze began. A run with samples measured freezes even if
// none happened.
func freezesPlot(d *reports.Dataset, samples int, a axis, marks []mark) *plot {
	n := make([]float64, a.n)
	seen := samples > 0
	for _, e := range d.Events {
		if summary.IsFreeze(e) {
			n[a.bucket(e.Time)]++
			seen = true
		}
	}
	p := &plot{id: "chart-freezes", title: "Video freezes started (all bots)", unit: "freezes", xMax: a.x(a.n), marks: marks, note: "not measured in this run"}
	if seen {
		l := layer{name: "freezes per bucket", color: colorRed, kind: barLayer}
		for i, v := range n {
			l.x, l.y = append(l.x, a.x(i)), append(l.y, v)
		}
		p.layers = []layer{l}
	}
	return p
}

// actsOf returns the run's actions and faults for the charts: one marker
// per bucket for the actions of all bots (a tooltip says which and how many;
// joins and leaves have their own chart), one per fault with its name.
func actsOf(d *reports.Dataset, a axis) []act {
	type key struct {
		bucket int
		name   string
	}
	count, nets := map[key]int{}, map[key][]string{}
	var order, netOrder []key
	var out []act
	for _, e := range d.Events {
		if e.Kind != reports.KindAction || e.Event == "start" || e.Event == "stop" {
			continue
		}
		i := a.bucket(e.Time)
		if e.Event == "network" { // network changes are labelled, like faults
			k := key{i, "network " + e.Message}
			if nets[k] == nil {
				netOrder = append(netOrder, k)
			}
			nets[k] = append(nets[k], e.User)
			continue
		}
		if e.Event == "fault" {
			label := "fault " + e.Message
			if e.Tag != "" {
				label = "fault " + e.Tag + ": " + e.Message
			}
			out = append(out, act{x: a.x(i), label: label, fault: true})
			continue
		}
		k := key{i, e.Event}
		if count[k] == 0 {
			order = append(order, k)
		}
		count[k]++
	}
	byBucket := map[int][]string{}
	var buckets []int
	for _, k := range order {
		if byBucket[k.bucket] == nil {
			buckets = append(buckets, k.bucket)
		}
		byBucket[k.bucket] = append(byBucket[k.bucket], fmt.Sprintf("%s ×%d", k.name, count[k]))
	}
	for _, i := range buckets {
		out = append(out, act{x: a.x(i), label: fmtClock(a.x(i)) + ": " + strings.Join(byBucket[i], ", ")})
	}
	for _, k := range netOrder {
		who := nets[k][0]
		if n := len(nets[k]); n > 1 {
			who = fmt.Sprintf("%d users", n)
		}
		out = append(out, act{x: a.x(k.bucket), label: k.name + ": " + who, fault: true})
	}
	return out
}

// marksOf returns the run's named marks.
func marksOf(d *reports.Dataset, a axis) []mark {
	var m []mark
	for _, e := range d.Events {
		if e.Event == reports.EvMark {
			m = append(m, mark{x: a.sec(e.Time), name: e.Message})
		}
	}
	return m
}
