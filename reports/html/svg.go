package html

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Chart geometry, in SVG user units (the SVG scales to the page width).
const (
	chartW, chartH                 = 960, 230
	padL, padR, padT, padB         = 62, 16, 28, 30
	plotW, plotH                   = chartW - padL - padR, chartH - padT - padB
	colorBand, colorLine, colorRed = "#9ecae1", "#08519c", "#d62728"
	colorMax                       = "#e6550d" // a band chart's max line
)

// layerKind is how a layer is drawn.
type layerKind int

const (
	lineLayer layerKind = iota // a polyline through (x, y)
	bandLayer                  // a filled area between lo and hi
	barLayer                   // one bar per x of height y
	stepLayer                  // a step line (cumulative counts)
)

// layer is one drawn series of a plot.
type layer struct {
	name, color string
	kind        layerKind
	x, y, lo    []float64 // lo only for bands (y is hi)
}

// plot is one time-series chart: x in seconds from the run's start.
type plot struct {
	id, title, unit string
	xMax            float64
	layers          []layer
	marks           []mark // vertical lines at named marks
	acts            []act  // actions and faults, drawn along the bottom
	note            string // shown when there is nothing to draw
}

// act is the actions (or one fault) of a time bucket, drawn as a marker on
// the charts' time axis: faults labelled with their name, actions with a
// tooltip of what and how many.
type act struct {
	x     float64
	label string // shown for faults; the tooltip for actions
	fault bool
}

// lanes places labels in rows so that nearby ones do not overlap: place
// returns the lowest row whose last label ends before left, or -1.
type lanes []float64

func (l lanes) place(left, width float64) int {
	for i := range l {
		if left >= l[i] {
			l[i] = left + width
			return i
		}
	}
	return -1
}

// shorten cuts a label to n characters (the full text stays in the tooltip).
func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// mark is a named instant on the time axis.
type mark struct {
	x    float64
	name string
}

// yRange is the smallest and largest y of any layer (band lows included).
// The range always holds 0 and has a positive height, so an all-zero
// series still has an axis. Negative values are drawn as they are: a
// figure that should not be negative shows its producer's bug, not a clip.
func (p *plot) yRange() (lo, hi float64) {
	for _, l := range p.layers {
		for _, ys := range [][]float64{l.y, l.lo} {
			for _, v := range ys {
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					lo, hi = min(lo, v), max(hi, v)
				}
			}
		}
	}
	if hi <= 0 && lo == 0 {
		hi = 1
	}
	return lo, hi
}

func (p *plot) empty() bool {
	for _, l := range p.layers {
		if len(l.x) > 0 {
			return false
		}
	}
	return true
}

// svg draws the chart.
func (p *plot) svg() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-label="%s">`, esc(p.id), chartW, chartH, esc(p.title))
	fmt.Fprintf(&b, `<text class="title" x="%d" y="16">%s</text>`, padL, esc(p.title))
	xMax := max(p.xMax, 1)
	lo, hi := p.yRange()
	yTop, yBot := 0.0, 0.0
	if hi > 0 {
		yTop = niceCeil(hi * 1.05)
	}
	if lo < 0 {
		yBot = -niceCeil(-lo * 1.05)
	}
	sx := func(x float64) float64 { return padL + x/xMax*plotW }
	sy := func(y float64) float64 { return padT + plotH - (y-yBot)/(yTop-yBot)*plotH }
	// grid and axes
	for _, v := range axisTicks(yBot, yTop, 4) {
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, padL, padL+plotW, sy(v), sy(v))
		fmt.Fprintf(&b, `<text class="tick" x="%d" y="%.1f" text-anchor="end">%s</text>`, padL-6, sy(v)+4, fmtNum(v))
	}
	for _, v := range ticks(xMax, 8) {
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%s</text>`, sx(v), padT+plotH+18, fmtClock(v))
	}
	fmt.Fprintf(&b, `<text class="tick" x="10" y="%d" transform="rotate(-90 10 %d)" text-anchor="middle">%s</text>`, padT+plotH/2, padT+plotH/2, esc(p.unit))
	fmt.Fprintf(&b, `<rect class="frame" x="%d" y="%d" width="%d" height="%d"/>`, padL, padT, plotW, plotH)
	if p.empty() {
		note := p.note
		if note == "" {
			note = "no data"
		}
		fmt.Fprintf(&b, `<text class="nodata" x="%d" y="%d" text-anchor="middle">%s</text></svg>`, padL+plotW/2, padT+plotH/2, esc(note))
		return b.String()
	}
	for _, l := range p.layers {
		drawLayer(&b, l, sx, sy, plotW/xMax)
	}
	// Mark labels stack in three rows and are cut to 24 characters, so
	// that marks close together stay readable; the line's tooltip and the
	// label's have the full name.
	ml := make(lanes, 3)
	for _, m := range p.marks {
		fmt.Fprintf(&b, `<line class="mark" x1="%.1f" x2="%.1f" y1="%d" y2="%d"><title>%s</title></line>`, sx(m.x), sx(m.x), padT, padT+plotH, esc(m.name))
		label := shorten(m.name, 24)
		w := float64(len([]rune(label)))*5.5 + 6
		if l := ml.place(sx(m.x), w); l >= 0 {
			fmt.Fprintf(&b, `<text class="marklabel" x="%.1f" y="%d"><title>%s</title>%s</text>`, sx(m.x)+3, padT+10+l*11, esc(m.name), esc(label))
		}
	}
	// Actions and faults along the bottom of the plot.
	fl := make(lanes, 2)
	for _, a := range p.acts {
		x, y := sx(a.x), float64(padT+plotH)
		if !a.fault {
			fmt.Fprintf(&b, `<path class="act" d="M%.1f,%.1fl4,-7h-8Z"><title>%s</title></path>`, x, y, esc(a.label))
			continue
		}
		fmt.Fprintf(&b, `<path class="fault" d="M%.1f,%.1fl5,-9h-10Z"><title>%s</title></path>`, x, y, esc(a.label))
		label := shorten(a.label, 28)
		if l := fl.place(x, float64(len([]rune(label)))*5.5+8); l >= 0 {
			fmt.Fprintf(&b, `<text class="faultlabel" x="%.1f" y="%.1f">%s</text>`, x+6, y-4-float64(l)*11, esc(label))
		}
	}
	// legend, right-aligned in the title row
	x := float64(chartW - padR)
	for i := len(p.layers) - 1; i >= 0; i-- {
		l := p.layers[i]
		x -= float64(len(l.name))*6.5 + 26
		fmt.Fprintf(&b, `<rect x="%.1f" y="7" width="12" height="10" fill="%s"/><text class="legend" x="%.1f" y="16">%s</text>`, x, l.color, x+16, esc(l.name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func drawLayer(b *strings.Builder, l layer, sx, sy func(float64) float64, unitW float64) {
	switch l.kind {
	case bandLayer:
		var d strings.Builder
		for i := range l.x {
			fmt.Fprintf(&d, "%s%.1f,%.1f", pathCmd(i), sx(l.x[i]), sy(l.y[i]))
		}
		for i := len(l.x) - 1; i >= 0; i-- {
			fmt.Fprintf(&d, "L%.1f,%.1f", sx(l.x[i]), sy(l.lo[i]))
		}
		fmt.Fprintf(b, `<path class="band" d="%sZ" fill="%s"><title>%s</title></path>`, d.String(), l.color, esc(l.name))
	case barLayer:
		w := max(unitW*0.8, 1)
		var d strings.Builder
		for i := range l.x {
			if l.y[i] <= 0 {
				continue
			}
			x, top := sx(l.x[i]), sy(l.y[i]) // a bar fills its bucket from its start
			fmt.Fprintf(&d, "M%.1f,%.1fh%.1fV%.1fh%.1fZ", x, sy(0), w, top, -w)
		}
		if d.Len() > 0 {
			fmt.Fprintf(b, `<path class="bars" d="%s" fill="%s"><title>%s</title></path>`, d.String(), l.color, esc(l.name))
		}
	default:
		var d strings.Builder
		for i := range l.x {
			if l.kind == stepLayer && i > 0 {
				fmt.Fprintf(&d, "H%.1f", sx(l.x[i]))
			}
			fmt.Fprintf(&d, "%s%.1f,%.1f", pathCmd(i), sx(l.x[i]), sy(l.y[i]))
		}
		fmt.Fprintf(b, `<path class="line" d="%s" stroke="%s"><title>%s</title></path>`, d.String(), l.color, esc(l.name))
	}
}

func pathCmd(i int) string {
	if i == 0 {
		return "M"
	}
	return "L"
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// axisTicks returns round values from bot (<= 0) to top (>= 0) through 0,
// about n of them.
func axisTicks(bot, top float64, n int) []float64 {
	step := niceCeil((top - bot) / float64(n))
	var t []float64
	for v := 0.0; v >= bot*(1+1e-9) && len(t) <= 2*n; v -= step {
		t = append([]float64{v}, t...)
	}
	for v := step; v <= top*(1+1e-9) && len(t) <= 4*n; v += step {
		t = append(t, v)
	}
	return t
}

// ticks returns about n round values from 0 to top.
func ticks(top float64, n int) []float64 {
	step := niceCeil(top / float64(n))
	var t []float64
	for v := 0.0; v <= top*(1+1e-9) && len(t) <= 2*n; v += step {
		t = append(t, v)
	}
	return t
}

// fmtNum prints an axis number compactly.
func fmtNum(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return fmt.Sprintf("%gM", math.Round(v/1e5)/10)
	case a >= 1e4:
		return fmt.Sprintf("%gk", math.Round(v/100)/10)
	case a >= 10 || a == 0:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

// fmtClock prints seconds from the start as m:ss (or h:mm:ss).
func fmtClock(s float64) string {
	t := int(math.Round(s))
	if t >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", t/3600, t/60%60, t%60)
	}
	return fmt.Sprintf("%d:%02d", t/60, t%60)
}

func esc(s string) string { return html.EscapeString(s) }
