package prom

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// Group label values for lines that belong to no planned user.
const (
	RunGroup     = "run"     // run-level events (marks, faults, overload)
	UnknownGroup = "unknown" // a user the plan does not know
)

// Output turns a run's events, samples and ticks into Prometheus metrics.
// Make one with New; it is safe for concurrent use.
type Output struct {
	reg   *prometheus.Registry
	group map[string]string // user → group

	mu     sync.Mutex
	joined map[string]string // joined user → group

	target, joinedG                 *prometheus.GaugeVec
	joins, errs, actions, freezes   *prometheus.CounterVec
	rx, tx, loss, jitter, rtt, e2e  *prometheus.HistogramVec
	fps, joinTime, ttff, freezeTime *prometheus.HistogramVec
	mos, videoScore                 *prometheus.HistogramVec
	cpu, cores, mediaP99, mediaMax  prometheus.Gauge
	overloaded                      prometheus.Gauge
	actionLag                       prometheus.Histogram
	samples                         *prometheus.CounterVec
}

// Users describes the planned users: each one's group, and how many users
// every group plans (the target of bots joined).
type Users struct {
	Group  map[string]string
	Target map[string]int
}

// New makes an Output for one run of scenario on shard ("" for a whole
// run) whose users are u.
func New(scenario, shard string, u Users) *Output {
	reg := prometheus.NewRegistry()
	r := prometheus.WrapRegistererWith(prometheus.Labels{"scenario": scenario, "shard": shard}, reg)
	g := []string{"group"}
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "roombot", Name: name, Help: help}, labels)
		r.MustRegister(v)
		return v
	}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		v := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "roombot", Name: name, Help: help}, labels)
		r.MustRegister(v)
		return v
	}
	hist := func(name, help string, buckets []float64) *prometheus.HistogramVec {
		v := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "roombot", Name: name, Help: help, Buckets: buckets}, g)
		r.MustRegister(v)
		return v
	}
	one := func(name, help string) prometheus.Gauge {
		v := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "roombot", Subsystem: "generator", Name: name, Help: help})
		r.MustRegister(v)
		return v
	}
	o := &Output{reg: reg, group: u.Group, joined: map[string]string{},
		target:   gauge("bots_target", "users the scenario (shard) plans, by group", g...),
		joinedG:  gauge("bots_joined", "bots in their room now (entered and not left)", g...),
		joins:    counter("joins_total", "enter results by code: 1018 entered, else the failure's code (1022, -100018, ...)", "group", "code"),
		errs:     counter("errors_total", "error events by code (or event name when it has none), as the summary counts them", "group", "code"),
		actions:  counter("actions_total", "actions carried out, by action and result (ok, error, skipped)", "group", "action", "result"),
		freezes:  counter("freezes_total", "freezes started (freeze_start events)", g...),
		samples:  counter("samples_total", "stats samples (bot-seconds) received", g...),
		rx:       hist("bitrate_in_kbps", "received kbps per bot-second", prometheus.ExponentialBuckets(25, 2, 9)),
		tx:       hist("bitrate_out_kbps", "sent kbps per bot-second", prometheus.ExponentialBuckets(25, 2, 9)),
		loss:     hist("loss_percent", "received packet loss % per bot-second that expected packets", []float64{0, 0.5, 1, 2, 5, 10, 20, 50, 100}),
		jitter:   hist("jitter_ms", "received RFC 3550 jitter per bot-second, ms", []float64{1, 2, 5, 10, 20, 50, 100, 200, 500}),
		rtt:      hist("rtt_ms", "round-trip time from RTCP per bot-second, ms", []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}),
		e2e:      hist("e2e_latency_ms", "end-to-end latency per bot-second, ms", []float64{10, 20, 50, 100, 200, 500, 1000, 2000}),
		fps:      hist("fps", "frames per second of each received video track, per second", []float64{1, 5, 10, 15, 20, 25, 30, 60}),
		joinTime: hist("join_time_ms", "ms from the enter request to entered", []float64{50, 100, 200, 500, 1000, 2000, 5000, 10000}),
		ttff:     hist("ttff_ms", "time to first frame of each received track, ms", []float64{100, 200, 500, 1000, 2000, 5000, 10000}),
		freezeTime: hist("freeze_duration_ms", "duration of each freeze (freeze_end), ms",
			[]float64{100, 200, 500, 1000, 2000, 5000, 10000}),
		mos: hist("mos", "audio MOS (ITU-T G.107 E-model, 1-4.5) per bot-second, mean of the received audio tracks",
			[]float64{1, 1.5, 2, 2.5, 3, 3.5, 4, 4.2, 4.4, 4.5}),
		videoScore: hist("video_score", "video quality score (1-5: rendered fps, freezes, resolution) per bot-second",
			[]float64{1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5}),
		cpu:        one("cpu_percent", "process CPU over the last second, % of one core"),
		cores:      one("cores", "cores the process may use"),
		mediaP99:   one("media_lag_p99_ms", "media pacing lag p99 over the last second, ms"),
		mediaMax:   one("media_lag_max_ms", "media pacing lag max over the last second, ms"),
		overloaded: one("overloaded", "1 once an overload rule held: the generator, not the server, may be the bottleneck"),
	}
	o.actionLag = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "roombot", Subsystem: "generator", Name: "action_lag_ms",
		Help: "how late each planned action fired, ms", Buckets: []float64{0.5, 1, 2, 5, 10, 20, 50, 100, 500, 1000}})
	r.MustRegister(o.actionLag)
	for grp, n := range u.Target {
		o.target.WithLabelValues(grp).Set(float64(n))
		o.joinedG.WithLabelValues(grp).Set(0)
	}
	return o
}

// Registry is the Output's private registry.
func (o *Output) Registry() *prometheus.Registry { return o.reg }

// Handler serves the registry in the Prometheus text format (or
// OpenMetrics when asked).
func (o *Output) Handler() http.Handler {
	return promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{Registry: o.reg, EnableOpenMetrics: true})
}

func (o *Output) groupOf(user string) string {
	if user == "" {
		return RunGroup
	}
	if g, ok := o.group[user]; ok {
		return g
	}
	return UnknownGroup
}

// WriteEvent counts e.
func (o *Output) WriteEvent(e reports.Event) {
	g := o.groupOf(e.User)
	switch e.Event {
	case reports.EvEntered:
		o.joins.WithLabelValues(g, fmt.Sprint(firstCode(e.Code, 1018))).Inc()
		o.joinTime.WithLabelValues(g).Observe(e.Value)
		o.mu.Lock()
		if _, in := o.joined[e.User]; !in && e.User != "" {
			o.joined[e.User] = g
			o.joinedG.WithLabelValues(g).Inc()
		}
		o.mu.Unlock()
	case reports.EvEnterFailed:
		o.joins.WithLabelValues(g, fmt.Sprint(firstCode(e.Code, 1022))).Inc()
	case reports.EvLeft, reports.EvKicked:
		o.mu.Lock()
		if _, in := o.joined[e.User]; in {
			delete(o.joined, e.User)
			o.joinedG.WithLabelValues(g).Dec()
		}
		o.mu.Unlock()
	case reports.EvFirstFrame:
		o.ttff.WithLabelValues(g).Observe(e.Value)
	case reports.EvFreezeStart:
		o.freezes.WithLabelValues(g).Inc()
	case reports.EvFreezeEnd:
		o.freezeTime.WithLabelValues(g).Observe(e.Value)
	}
	if e.Kind == reports.KindAction {
		result := "ok"
		if e.Tag == "error" || e.Tag == "skipped" {
			result = e.Tag
		}
		o.actions.WithLabelValues(g, e.Event, result).Inc()
	} else if summary.IsError(e) {
		k := e.Event
		if e.Code != 0 {
			k = fmt.Sprint(e.Code)
		}
		o.errs.WithLabelValues(g, k).Inc()
	}
}

func firstCode(code, def int) int {
	if code != 0 {
		return code
	}
	return def
}

// WriteSample observes s's figures.
func (o *Output) WriteSample(s reports.Sample) {
	g := o.groupOf(s.User)
	o.samples.WithLabelValues(g).Inc()
	o.rx.WithLabelValues(g).Observe(s.RxKbps)
	o.tx.WithLabelValues(g).Observe(s.TxKbps)
	if s.RxPackets > 0 || s.RxLost > 0 { // loss only where packets were expected
		o.loss.WithLabelValues(g).Observe(s.RxLossPct)
	}
	for h, v := range map[*prometheus.HistogramVec]*float64{o.jitter: s.JitterMs, o.rtt: s.RTTMs, o.e2e: s.E2EMs,
		o.mos: s.MOS, o.videoScore: s.VideoScore} {
		if v != nil {
			h.WithLabelValues(g).Observe(*v)
		}
	}
	if len(s.Tracks) == 0 && s.FPS > 0 { // a stream without track detail
		o.fps.WithLabelValues(g).Observe(s.FPS)
	}
	for _, tr := range s.Tracks {
		if tr.Dir == reports.Rx && tr.Kind == "video" {
			o.fps.WithLabelValues(g).Observe(tr.FPS)
		}
	}
}

// WriteTick records the generator's health.
func (o *Output) WriteTick(t reports.Tick) {
	o.cpu.Set(t.CPUPct)
	o.cores.Set(float64(t.Cores))
	o.mediaP99.Set(t.MediaLagP99Ms)
	o.mediaMax.Set(t.MediaLagMaxMs)
	for _, v := range t.ActionLagsMs {
		o.actionLag.Observe(v)
	}
	if t.Overloaded {
		o.overloaded.Set(1)
	} else {
		o.overloaded.Set(0)
	}
}

var (
	_ reports.Sink     = (*Output)(nil)
	_ reports.TickSink = (*Output)(nil)
)
