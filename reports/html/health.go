package html

import (
	"github.com/roombot/roombot/reports"
)

// healthPlots draw the generator's own health over time from its health
// events: process CPU, and the p99 of how late actions fired and media
// was paced, each the worst of any shard per bucket. They say when the
// figures above describe roombot rather than the server.
func healthPlots(d *reports.Dataset, a axis, marks []mark) []*plot {
	series := func(name string) ([]float64, []bool) {
		v, seen := make([]float64, a.n), make([]bool, a.n)
		for _, e := range d.Events {
			if e.Kind == reports.KindHealth && e.Event == name {
				i := a.bucket(e.Time)
				v[i], seen[i] = max(v[i], e.Value), true
			}
		}
		return v, seen
	}
	layerOf := func(name, color, event string) layer {
		l := layer{name: name, color: color, kind: lineLayer}
		v, seen := series(event)
		for i := range v {
			if seen[i] {
				l.x, l.y = append(l.x, a.x(i)), append(l.y, v[i])
			}
		}
		return l
	}
	note := "not recorded in this run (no health events)"
	cpu := &plot{id: "chart-health-cpu", title: "Generator CPU (roombot's process, % of one core)", unit: "%", xMax: a.x(a.n),
		marks: marks, note: note, layers: []layer{layerOf("cpu", colorLine, reports.EvHealthCPU)}}
	lag := &plot{id: "chart-health-lag", title: "Generator lag (p99 per second: actions fired late, media paced late)", unit: "ms",
		xMax: a.x(a.n), marks: marks, note: note, layers: []layer{
			layerOf("action lag", colorMax, reports.EvHealthActionLag),
			layerOf("media pacing lag", colorLine, reports.EvHealthMediaLag)}}
	return []*plot{cpu, lag}
}
