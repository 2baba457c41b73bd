package live

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/prom"
	"github.com/roombot/roombot/scenario"
)

// Dist are the options of a run that is one shard of a scenario split
// over machines, starts at a common instant, or serves live metrics.
type Dist struct {
	// Shard is the part of the scenario to play; nil plays it whole.
	Shard *scenario.Shard
	// StartAt is when the timeline begins (by the target's clock when its
	// offset can be measured, else by this machine's); zero: at once.
	StartAt time.Time
	// Barrier is a directory all shards share: the timeline begins
	// BarrierMargin after the last shard arrived there (needs Shard).
	Barrier        string
	BarrierTimeout time.Duration
	// BarrierMargin is how long after the last arrival the timeline
	// begins (default BarrierMargin): every shard must see the last ready
	// file within it.
	BarrierMargin time.Duration
	// MetricsAddr serves Prometheus /metrics on this address during the
	// run ("" none; port 0 picks one); OnMetrics is told its URL.
	MetricsAddr string
	OnMetrics   func(url string)
}

// distRun is what Dist set up for one run.
type distRun struct {
	plan   *scenario.Plan
	opts   []scenario.RunnerOption
	sink   func(reports.Sink) reports.Sink
	start  *reports.Start
	metric *prom.Server
}

// shardPlan applies d.Shard to plan and checks the options fit together.
func (d Dist) shardPlan(plan *scenario.Plan) (*scenario.Plan, error) {
	if d.Barrier != "" && d.Shard == nil {
		return nil, fmt.Errorf("%w: a barrier needs --shard or --shards (it waits for N shards)", ErrUsage)
	}
	if d.Barrier != "" && !d.StartAt.IsZero() {
		return nil, fmt.Errorf("%w: give a start time or a barrier, not both", ErrUsage)
	}
	if d.Shard == nil {
		return plan, nil
	}
	p, err := plan.Shard(*d.Shard)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return p, nil
}

// prepare starts the metrics server, measures the clock and waits at the
// barrier; the caller closes the returned run.
func (d Dist) prepare(ctx context.Context, c *scenario.Config, plan *scenario.Plan) (*distRun, error) {
	r := &distRun{plan: plan, sink: func(s reports.Sink) reports.Sink { return s }}
	if d.MetricsAddr != "" {
		shard := ""
		if d.Shard != nil {
			shard = d.Shard.Name()
		}
		u := prom.Users{Group: map[string]string{}, Target: map[string]int{}}
		for _, usr := range plan.Users {
			u.Group[usr.ID] = usr.Group
			u.Target[usr.Group]++
		}
		out := prom.New(c.Name, shard, u)
		srv, err := prom.Serve(d.MetricsAddr, out)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUsage, err)
		}
		r.metric = srv
		if d.OnMetrics != nil {
			d.OnMetrics(srv.URL())
		}
		// the run directory and the live output, which sees the figures
		// at the stream's precision, as the directory's file holds them
		r.sink = func(s reports.Sink) reports.Sink { return reports.Tee{s, roundedSink{out}} }
		r.opts = append(r.opts, scenario.WithTicks(out))
	}
	if d.Shard == nil && d.StartAt.IsZero() {
		return r, nil
	}
	clock := &reports.ClockOffset{Ref: "embedded", Error: "the embedded service runs on this machine's clock: no shared clock to measure"}
	if !c.Target.Embedded() {
		if base, err := clockURL(c.Target.URL); err != nil {
			clock = &reports.ClockOffset{Ref: redact(c.Target.URL), Error: err.Error()}
		} else {
			m := measureClock(ctx, base)
			clock = &m
		}
	}
	offset := time.Duration(clock.OffsetMs * float64(time.Millisecond))
	refNow := func() time.Time { return time.Now().Add(-offset) }
	switch {
	case !d.StartAt.IsZero():
		r.start = &reports.Start{Via: "start-at", At: d.StartAt}
	case d.Barrier != "":
		timeout := d.BarrierTimeout
		if timeout <= 0 {
			timeout = DefaultBarrierTimeout
		}
		margin := d.BarrierMargin
		if margin <= 0 {
			margin = BarrierMargin
		}
		at, err := barrier{dir: d.Barrier, shard: *d.Shard, margin: margin, timeout: timeout, now: refNow}.wait(ctx)
		if err != nil {
			r.close()
			return nil, fmt.Errorf("%w: %w", ErrNotCarried, err)
		}
		r.start = &reports.Start{Via: "barrier", At: at}
	}
	if r.start != nil {
		r.start.Clock = clock
		r.opts = append(r.opts, scenario.WithStartAt(r.start.At.Add(offset)))
	} else {
		r.start = &reports.Start{Clock: clock} // a shard without a common start still records its clock
	}
	return r, nil
}

func (r *distRun) close() {
	if r.metric != nil {
		_ = r.metric.Close()
	}
}

// record adds the shard's part and start to info.
func (r *distRun) record(info *reports.RunInfo, d Dist, res *scenario.Result) {
	if d.Shard != nil {
		info.Shard = d.Shard.Name()
		info.Part = &reports.Part{Index: d.Shard.Index, Count: d.Shard.Count, By: string(d.Shard.By),
			Users: len(r.plan.Users), Rooms: len(r.plan.Rooms)}
	}
	if r.start != nil {
		r.start.LagMs = ms(res.StartLag)
		info.Start = r.start
		if note := offNote(r.start); note != "" {
			info.Health.Overloaded = true
			info.Health.Notes = append(info.Health.Notes, note)
		}
	}
}

// maxStartOff is how far one shard's start may be off the common instant
// (late, or unknown by its clock's error) for every shard to begin within
// reports.MaxStartSpread of the others.
const maxStartOff = reports.MaxStartSpread / 2

// offNote says in words when this run's start may be off by more than
// maxStartOff; "" when it is within.
func offNote(s *reports.Start) string {
	if s.Via == "" {
		return ""
	}
	errMs := 0.0
	if s.Clock != nil && s.Clock.Error == "" {
		errMs = s.Clock.ErrorMs
	}
	if math.Abs(s.LagMs)+errMs <= ms(maxStartOff) {
		return ""
	}
	return fmt.Sprintf("start: the timeline began %.1f ms after the common start (%s), the clock known to ±%.1f ms: more than the %.0f ms a shard may be off for all to begin within %.0f ms of each other",
		s.LagMs, s.Via, errMs, ms(maxStartOff), ms(reports.MaxStartSpread))
}

// roundedSink hands its sink every Sample at the stream's precision
// (reports.Sample.Rounded).
type roundedSink struct{ reports.Sink }

func (r roundedSink) WriteSample(s reports.Sample) { r.Sink.WriteSample(s.Rounded()) }
