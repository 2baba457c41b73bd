package scenario

import (
	"context"
	"time"

	"github.com/roombot/roombot/reports"
)

// WithStartAt makes the run's timeline begin at t rather than when Run is
// called: Run waits until t (shards of one scenario share t, so their
// timelines line up), and every planned offset counts from t. A runner
// that reaches Run after t starts at once, with its actions as late as it
// is (Result.StartLag, action lag).
func WithStartAt(t time.Time) RunnerOption {
	return func(r *Runner) error { r.startAt = t; return nil }
}

// WithTicks sends the generator's state once a second to s (a live
// output such as a Prometheus exporter).
func WithTicks(s reports.TickSink) RunnerOption {
	return func(r *Runner) error { r.ticks = s; return nil }
}

// waitStart sleeps until r.startAt by r.now's clock (or ctx ends) and
// returns how late it woke.
func (r *Runner) waitStart(ctx context.Context) time.Duration {
	if d := r.startAt.Sub(r.now()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	return r.now().Sub(r.startAt)
}
