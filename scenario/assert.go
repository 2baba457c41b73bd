package scenario

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
	"github.com/roombot/roombot/scenario/threshold"
)

// Evaluate checks c's assertions against the events and samples of a
// loaded run: EvaluateColumns of its lines.
func Evaluate(c *Config, ds *reports.Dataset) []reports.Check {
	return EvaluateColumns(c, ds.Info, reports.ColumnsOf(ds))
}

// EvaluateColumns checks c's assertions against a run's lines, kept as
// reports.Columns (fed live by the runner, or by reports.Read from a run
// directory), and its info (run.json: start and end). Each expression gives
// one Check, in file order; its Message says what was expected and what was
// measured. Windows are found from the run's mark events, so a run
// evaluates the same way live and reloaded. Every figure is exact: the
// values of a metric in a window are all gathered from the columns, then
// sorted and reduced as before.
func EvaluateColumns(c *Config, info reports.RunInfo, cols *reports.Columns) []reports.Check {
	ev := newEvaluation(info, cols)
	var out []reports.Check
	for i := range c.Assertions {
		a := &c.Assertions[i]
		src := c.PosOf(fmt.Sprintf("assertions[%d]", i))
		var users map[string]bool
		if a.Users != "" {
			picked, _, err := c.roster.selectUsers(a.Users)
			if err == nil {
				users = map[string]bool{}
				for _, u := range picked {
					users[u.ID] = true
				}
			}
		}
		for _, expr := range a.Expect {
			ch := reports.Check{Name: a.Name, Expr: expr, Metric: a.Metric, Window: a.Window.String(),
				Source: fmt.Sprintf("%s:%d", src.File, src.Line)}
			if len(a.Expect) > 1 {
				ch.Name = a.Name + ": " + expr
			}
			if a.Event != nil {
				ch.Metric = "events"
				ev.checkEvents(&ch, a, users)
			} else {
				ev.checkMetric(&ch, a, users)
			}
			out = append(out, ch)
		}
	}
	return out
}

// evaluation indexes a run's marks once.
type evaluation struct {
	events     []reports.Event
	cols       *reports.Columns
	start, end time.Time
	marks      map[string]time.Time
}

func newEvaluation(info reports.RunInfo, cols *reports.Columns) *evaluation {
	e := &evaluation{events: cols.Events(), cols: cols, marks: map[string]time.Time{}, start: info.Started, end: info.Ended}
	first, last := cols.Span()
	for _, x := range e.events {
		if x.Kind != reports.KindRun {
			continue
		}
		switch x.Event {
		case reports.EvMark:
			if _, ok := e.marks[x.Message]; !ok {
				e.marks[x.Message] = x.Time
			}
		case reports.EvRunStart:
			if e.start.IsZero() {
				e.start = x.Time
			}
		case reports.EvRunEnd:
			if e.end.IsZero() {
				e.end = x.Time
			}
		}
	}
	if e.start.IsZero() {
		e.start = first
	}
	if e.end.IsZero() || e.end.Before(last) {
		e.end = last
	}
	return e
}

// window returns [from, to] of w; ok is false with a reason when a mark
// never happened (an interrupted run).
func (e *evaluation) window(w Window) (from, to time.Time, why string) {
	at := func(m string, def time.Time) (time.Time, bool) {
		switch m {
		case "", "start":
			if m == "" {
				return def, true
			}
			return e.start, true
		case "end":
			return e.end, true
		}
		t, ok := e.marks[m]
		return t, ok
	}
	var ok bool
	if from, ok = at(w.From, e.start); !ok {
		return from, to, fmt.Sprintf("mark %q never happened in this run", w.From)
	}
	if to, ok = at(w.To, e.end); !ok {
		return from, to, fmt.Sprintf("mark %q never happened in this run", w.To)
	}
	return from, to, ""
}

func in(t, from, to time.Time) bool { return !t.Before(from) && !t.After(to) }

func (e *evaluation) checkEvents(ch *reports.Check, a *AssertionConfig, users map[string]bool) {
	th, err := threshold.ParseCount(ch.Expr)
	if err != nil {
		ch.Message = err.Error()
		return
	}
	from, to, why := e.window(a.Window)
	if why != "" {
		ch.Message = fmt.Sprintf("expected count %s %v; not measured: %s", th.Op, th.Value, why)
		return
	}
	n := 0
	for _, x := range e.events {
		if !in(x.Time, from, to) || (users != nil && !users[x.User]) {
			continue
		}
		if a.Event.Code != nil && x.Code != *a.Event.Code {
			continue
		}
		if a.Event.Name != "" && x.Event != a.Event.Name {
			continue
		}
		n++
	}
	ch.Observed = float64(n)
	ch.Passed = th.Check(ch.Observed, th.Value)
	ch.Message = fmt.Sprintf("expected %s events %s %v; measured %d", describeMatch(a.Event), th.Op, th.Value, n)
}

func describeMatch(m *EventMatch) string {
	var parts []string
	if m.Name != "" {
		parts = append(parts, m.Name)
	}
	if m.Code != nil {
		c := "code " + strconv.Itoa(*m.Code)
		if t := codes.Text(*m.Code); t != "" {
			c += " (" + t + ")"
		}
		parts = append(parts, c)
	}
	return strings.Join(parts, " ")
}

// collect gathers a metric's values (Trend, Rate: 1/0 per attempt) or
// occurrences (Counter: len) in a window for some users.
func (e *evaluation) collect(m Metric, from, to time.Time, users map[string]bool) []float64 {
	var vals []float64
	keep := func(t time.Time, user string) bool {
		return in(t, from, to) && (users == nil || users[user])
	}
	events := func(match func(reports.Event) (float64, bool)) {
		for _, x := range e.events {
			if keep(x.Time, x.User) {
				if v, ok := match(x); ok {
					vals = append(vals, v)
				}
			}
		}
	}
	c := e.cols
	inSample := func(i int) bool { return keep(c.Time(i), c.BotOf(i).User) }
	samples := func(col []float64, measured func(i int) bool) {
		for i := range c.Len() {
			if inSample(i) && measured(i) {
				vals = append(vals, col[i])
			}
		}
	}
	always := func(int) bool { return true }
	// an optional figure a sample did not measure is reports.Absent (NaN)
	optional := func(col []float64) func(int) bool {
		return func(i int) bool { return !math.IsNaN(col[i]) }
	}
	opt := func(col []float64) { samples(col, optional(col)) }
	named := func(name string) func(reports.Event) (float64, bool) {
		return func(x reports.Event) (float64, bool) { return x.Value, x.Event == name }
	}
	switch m.Name {
	case "join_success_rate":
		events(func(x reports.Event) (float64, bool) {
			switch x.Event {
			case reports.EvEntered:
				return 1, true
			case reports.EvEnterFailed:
				return 0, true
			}
			return 0, false
		})
	case "join_time":
		events(named(reports.EvEntered))
	case "ttff":
		events(named(reports.EvFirstFrame))
	case "freeze_time":
		events(named(reports.EvFreezeEnd))
	case "freezes":
		events(func(x reports.Event) (float64, bool) { return 1, summary.IsFreeze(x) })
	case "errors":
		events(func(x reports.Event) (float64, bool) { return 1, summary.IsError(x) })
	case "action_lag":
		events(func(x reports.Event) (float64, bool) { return x.Value, x.Kind == reports.KindAction })
	case "bitrate_in":
		samples(c.Rx, always)
	case "bitrate_out":
		samples(c.Tx, always)
	case "loss":
		samples(c.Loss, func(i int) bool { return c.LossMeasured[i] })
	case "jitter":
		opt(c.Jitter)
	case "rtt":
		opt(c.RTT)
	case "e2e_latency":
		opt(c.E2E)
	case "mos":
		opt(c.MOS)
	case "video_score":
		opt(c.Video)
	case "fps":
		// per received video track (a bot's FPS sums its tracks); the
		// bot's FPS for a stream without track detail
		for i := range c.Len() {
			if inSample(i) {
				vals = append(vals, c.FPS(i)...)
			}
		}
	}
	return vals
}

func (e *evaluation) checkMetric(ch *reports.Check, a *AssertionConfig, users map[string]bool) {
	m, ok := Metrics[a.Metric]
	th, err := threshold.Parse(ch.Expr)
	if !ok || err != nil {
		ch.Message = fmt.Sprintf("cannot evaluate %q on %q", ch.Expr, a.Metric)
		return
	}
	base := baseFor(m, th.Agg)
	want, err := th.ValueIn(base)
	if err != nil {
		ch.Message = err.Error()
		return
	}
	ch.Unit = unitLabel(base)
	if m.Kind == Counter && th.Agg == threshold.Rate {
		ch.Unit = "/s"
	}
	from, to, why := e.window(a.Window)
	if why != "" {
		ch.Message = fmt.Sprintf("expected %s %s; not measured: %s", a.Metric, ch.Expr, why)
		return
	}
	vals := e.collect(m, from, to, users)
	obs, n, ok := aggregate(m, th, vals, to.Sub(from))
	scope := ""
	if a.Users != "" {
		scope += " for " + string(a.Users)
	}
	if !a.Window.IsZero() {
		scope += " in " + a.Window.String()
	}
	if !ok {
		ch.Observed = 0
		ch.Message = fmt.Sprintf("expected %s %s%s; measured nothing: no %s values", a.Metric, ch.Expr, scope, a.Metric)
		return
	}
	ch.Observed = obs
	ch.Passed = th.Check(obs, want)
	verdict := "measured"
	if !ch.Passed {
		verdict = "but measured"
	}
	ch.Message = fmt.Sprintf("expected %s %s%s; %s %s = %s over %d values", a.Metric, ch.Expr, scope, verdict,
		th.AggName(), formatValue(obs, ch.Unit), n)
}

// aggregate reduces vals; ok is false when there is nothing to reduce
// (count and counters are 0 then, which is a measurement).
func aggregate(m Metric, th threshold.Threshold, vals []float64, span time.Duration) (float64, int, bool) {
	n := len(vals)
	switch {
	case th.Agg == threshold.Count:
		return float64(n), n, true
	case m.Kind == Counter && th.Agg == threshold.Rate:
		if span <= 0 {
			return 0, n, false
		}
		return float64(n) / span.Seconds(), n, true
	case n == 0:
		return 0, 0, false
	}
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	sum := 0.0
	for _, v := range sorted {
		sum += v
	}
	switch th.Agg {
	case threshold.Avg, threshold.Rate:
		return sum / float64(n), n, true
	case threshold.Sum:
		return sum, n, true
	case threshold.Min:
		return sorted[0], n, true
	case threshold.Max:
		return sorted[n-1], n, true
	case threshold.Med:
		return summary.Percentile(sorted, 50), n, true
	case threshold.Percentile:
		return summary.Percentile(sorted, th.P), n, true
	}
	return math.NaN(), n, false
}

func unitLabel(base string) string {
	switch base {
	case threshold.BaseMs, threshold.BaseKbps, threshold.BasePct:
		return base
	}
	return ""
}

func formatValue(v float64, unit string) string {
	s := strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
	switch unit {
	case "":
		return s
	case "%", "/s":
		return s + unit
	}
	return s + unit
}
