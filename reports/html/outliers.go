package html

import (
	"slices"

	"github.com/roombot/roombot/reports/summary"
)

// outlier is a bot whose figure stands out from the others': the run's
// medians and bands hide one impaired bot among many.
type outlier struct {
	Figure, Unit string
	User         string
	Anchor       string
	Value        float64 // the bot's p95
	Median       float64 // the median of every bot's p95
}

// outlierFigures are the figures checked, with the floor below which a
// value is not worth flagging however it compares.
var outlierFigures = []struct {
	name, unit string
	floor      float64
	get        func(summary.Stats) summary.Dist
}{
	{"RTT", "ms", 20, func(s summary.Stats) summary.Dist { return s.RTTMs }},
	{"jitter", "ms", 10, func(s summary.Stats) summary.Dist { return s.JitterMs }},
	{"receive loss", "%", 1, func(s summary.Stats) summary.Dist { return s.LossPct }},
	{"end-to-end latency", "ms", 50, func(s summary.Stats) summary.Dist { return s.E2EMs }},
}

// maxOutliers bounds the rows per figure.
const maxOutliers = 5

// outliers lists, per figure, the bots whose p95 is at least twice the
// median of all bots' p95 and above the figure's floor, worst first.
func outliers(users []summary.User) []outlier {
	var out []outlier
	for _, f := range outlierFigures {
		var all []float64
		for _, u := range users {
			if d := f.get(u.Stats); d.N > 0 {
				all = append(all, d.P95)
			}
		}
		if len(all) < 3 {
			continue // too few bots to tell an outlier
		}
		slices.Sort(all)
		med := summary.Percentile(all, 50)
		var rows []outlier
		for _, u := range users {
			d := f.get(u.Stats)
			if d.N > 0 && d.P95 >= f.floor && d.P95 >= 2*med {
				rows = append(rows, outlier{Figure: f.name, Unit: f.unit, User: u.User, Anchor: userAnchor(u.Shard, u.User), Value: d.P95, Median: med})
			}
		}
		slices.SortFunc(rows, func(a, b outlier) int {
			switch {
			case a.Value > b.Value:
				return -1
			case a.Value < b.Value:
				return 1
			}
			return 0
		})
		if len(rows) > maxOutliers {
			rows = rows[:maxOutliers]
		}
		out = append(out, rows...)
	}
	return out
}
