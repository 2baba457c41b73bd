package scenario

import (
	"sort"

	"github.com/roombot/roombot/scenario/threshold"
)

// MetricKind tells how a metric's values aggregate (the k6 metric types).
type MetricKind string

// Metric kinds.
const (
	// Trend: a distribution of values (avg, min, max, med, p(N), sum, count).
	Trend MetricKind = "trend"
	// RateKind: a share of successes (rate, count of attempts).
	RateKind MetricKind = "rate"
	// Counter: occurrences (count, rate per second of the window).
	Counter MetricKind = "counter"
)

// Metric describes one assertable metric.
type Metric struct {
	Name string
	Kind MetricKind
	Base string // base unit (threshold.Base…)
	Doc  string
}

// Metrics is every metric assertions can name, by name.
var Metrics = map[string]Metric{
	"join_success_rate": {"join_success_rate", RateKind, threshold.BaseRatio, "entered / (entered + enter_failed)"},
	"join_time":         {"join_time", Trend, threshold.BaseMs, "ms from the enter request to entered (1018)"},
	"ttff":              {"ttff", Trend, threshold.BaseMs, "time to first frame of each received track, ms"},
	"bitrate_in":        {"bitrate_in", Trend, threshold.BaseKbps, "received kbps per bot-second"},
	"bitrate_out":       {"bitrate_out", Trend, threshold.BaseKbps, "sent kbps per bot-second"},
	"loss":              {"loss", Trend, threshold.BasePct, "received packet loss % per bot-second (seconds with traffic)"},
	"jitter":            {"jitter", Trend, threshold.BaseMs, "received jitter ms per bot-second"},
	"rtt":               {"rtt", Trend, threshold.BaseMs, "round-trip time from RTCP, ms per bot-second"},
	"fps":               {"fps", Trend, threshold.BaseNone, "frames per second of each received video track, per second"},
	"e2e_latency":       {"e2e_latency", Trend, threshold.BaseMs, "end-to-end latency ms per bot-second"},
	"mos":               {"mos", Trend, threshold.BaseNone, "audio MOS (ITU-T G.107 E-model, 1–4.5) per bot-second, mean of the received audio tracks"},
	"video_score":       {"video_score", Trend, threshold.BaseNone, "video quality score (1–5, rendered fps, freezes, resolution) per bot-second"},
	"freezes":           {"freezes", Counter, threshold.BaseNone, "freezes started (W3C rule)"},
	"freeze_time":       {"freeze_time", Trend, threshold.BaseMs, "duration of each freeze, ms"},
	"errors":            {"errors", Counter, threshold.BaseNone, "error events: enter failures, error codes, kicks, IM send failures"},
	"action_lag":        {"action_lag", Trend, threshold.BaseMs, "how late timeline actions fired, ms (generator health)"},
}

// MetricNames returns the metric names, sorted.
func MetricNames() []string {
	out := make([]string, 0, len(Metrics))
	for n := range Metrics {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// aggregatesOf lists the aggregates a metric kind allows.
func aggregatesOf(k MetricKind) []threshold.Aggregate {
	switch k {
	case RateKind:
		return []threshold.Aggregate{threshold.Rate, threshold.Count}
	case Counter:
		return []threshold.Aggregate{threshold.Count, threshold.Rate}
	default:
		return []threshold.Aggregate{threshold.Avg, threshold.Min, threshold.Max, threshold.Med, threshold.Percentile, threshold.Sum, threshold.Count}
	}
}

// baseFor is the unit of an aggregate's result for metric m: counts are
// unitless whatever the metric.
func baseFor(m Metric, agg threshold.Aggregate) string {
	switch {
	case agg == threshold.Count:
		return threshold.BaseNone
	case m.Kind == Counter && agg == threshold.Rate:
		return threshold.BaseNone // per second
	}
	return m.Base
}
