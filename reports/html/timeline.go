package html

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// timelineRows are the rows of the event timeline, top to bottom; errors
// get their own row on top so they stand out.
var timelineRows = []reports.Kind{reports.KindRoom, reports.KindIM, reports.KindMedia, reports.KindAction, reports.KindRun}

// codeLabel is "-100018 userSig check failed" (or just the code when unknown).
func codeLabel(code int) string {
	if t := codes.Text(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprint(code)
}

// errKey names an error marker: its code, or its event name when it has none.
func errKey(e reports.Event) string {
	if e.Code != 0 {
		return codeLabel(e.Code)
	}
	return e.Event
}

// timeline draws events over time: per kind, a strip whose cells darken with
// the number of events in the bucket; on top, one red marker per bucket and
// error code, labelled at the code's first occurrence, with the code's text.
func timeline(d *reports.Dataset, a axis, marks []mark) string {
	const rowH, top = 26, 24
	xMax := max(a.x(a.n), 1)
	sx := func(x float64) float64 { return padL + x/xMax*plotW }
	cellW := max(plotW/float64(a.n), 1)

	count := make(map[reports.Kind][]int, len(timelineRows))
	for _, k := range timelineRows {
		count[k] = make([]int, a.n)
	}
	type ekey struct {
		bucket int
		key    string
	}
	errs := map[ekey]int{}
	var order []ekey
	for _, e := range d.Events {
		i := a.bucket(e.Time)
		if c, ok := count[e.Kind]; ok {
			c[i]++
		}
		if summary.IsError(e) {
			k := ekey{i, errKey(e)}
			if errs[k] == 0 {
				order = append(order, k)
			}
			errs[k]++
		}
	}

	// The error row is taller: its markers sit at its bottom, and labels
	// stack in lanes above them so that nearby codes stay readable.
	const errH, lanes, laneH = 48, 3, 11
	kindsTop := top + errH
	h := kindsTop + len(timelineRows)*rowH + 24
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="chart-timeline" viewBox="0 0 %d %d" role="img" aria-label="event timeline">`, chartW, h)
	fmt.Fprintf(&b, `<text class="title" x="%d" y="16">Event timeline (errors in red, labelled with their code)</text>`, padL)
	fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" text-anchor="end">errors</text>`, padL-6, top+errH-8)
	for r, k := range timelineRows {
		y := kindsTop + r*rowH
		fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" text-anchor="end">%s</text>`, padL-6, y+rowH/2+4, esc(string(k)))
		c := count[k]
		peak := slices.Max(c)
		fmt.Fprintf(&b, `<rect class="strip" x="%d" y="%d" width="%d" height="%d"/>`, padL, y+3, plotW, rowH-6)
		if peak == 0 {
			continue
		}
		var cells strings.Builder
		for i, n := range c {
			if n == 0 {
				continue
			}
			op := 0.25 + 0.75*float64(n)/float64(peak)
			fmt.Fprintf(&cells, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill-opacity="%.2f"><title>%s: %d %s events</title></rect>`,
				sx(a.x(i)), y+3, cellW, rowH-6, op, fmtClock(a.x(i)), n, k)
		}
		fmt.Fprintf(&b, `<g class="cells">%s</g>`, cells.String())
	}
	// error markers; each code labelled once, at its first occurrence, in
	// the lowest lane where it does not overlap an earlier label
	labelled := map[string]bool{}
	var laneEnd [lanes]float64
	slices.SortFunc(order, func(p, q ekey) int { return cmp.Or(cmp.Compare(p.bucket, q.bucket), cmp.Compare(p.key, q.key)) })
	for _, k := range order {
		x := sx(a.x(k.bucket)) + cellW/2
		y := top + errH - 14
		fmt.Fprintf(&b, `<path class="err" d="M%.1f,%dl5,9h-10Z"><title>%s: %s ×%d</title></path>`, x, y, fmtClock(a.x(k.bucket)), esc(k.key), errs[k])
		if labelled[k.key] {
			continue
		}
		labelled[k.key] = true
		w := float64(len(k.key))*6 + 8
		lx, anchor := x+6, "start"
		if lx+w > chartW {
			lx, anchor = x-6, "end"
		}
		left := lx
		if anchor == "end" {
			left = lx - w
		}
		for l := range lanes {
			if left >= laneEnd[l] {
				laneEnd[l] = left + w
				fmt.Fprintf(&b, `<text class="errlabel" x="%.1f" y="%d" text-anchor="%s">%s</text>`, lx, y-2-l*laneH, anchor, esc(k.key))
				break
			}
		} // no lane free: the marker's tooltip and the table below still name it
	}
	for _, m := range marks {
		fmt.Fprintf(&b, `<line class="mark" x1="%.1f" x2="%.1f" y1="%d" y2="%d"><title>%s</title></line>`, sx(m.x), sx(m.x), top, kindsTop+len(timelineRows)*rowH, esc(m.name))
	}
	for _, v := range ticks(xMax, 8) {
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%s</text>`, sx(v), kindsTop+len(timelineRows)*rowH+16, fmtClock(v))
	}
	b.WriteString(`</svg>`)
	return b.String()
}
