package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roombot/roombot/reports"
)

// Runner defaults.
const (
	DefaultStartTimeout  = 20 * time.Second // a join, signing included
	DefaultActionTimeout = 10 * time.Second
	DefaultLeaveTimeout  = 5 * time.Second
	// DefaultProgressEvery is the period of plain progress lines when the
	// output is not a terminal (a terminal is redrawn every second).
	DefaultProgressEvery = 5 * time.Second
)

// Runner plays a Plan: it starts, drives and stops the participants and
// streams every event and sample into a sink. Make one with NewRunner; a
// Runner runs once.
type Runner struct {
	plan          *Plan
	factory       Factory
	sink          reports.Sink
	faults        FaultInjector
	now           func() time.Time
	progress      io.Writer
	tty           bool
	progressEvery time.Duration
	startTimeout  time.Duration
	actionTimeout time.Duration
	leaveTimeout  time.Duration
	hard          <-chan struct{}
	mediaLag      func() (p99, max float64)
	mediaLagEvery func() (p99, max float64, frames int64)
	startAt       time.Time
	ticks         reports.TickSink
	ran           atomic.Bool
}

// RunnerOption configures a Runner.
type RunnerOption func(*Runner) error

// WithSink sets where events and samples go (default reports.Discard).
func WithSink(s reports.Sink) RunnerOption {
	return func(r *Runner) error { r.sink = s; return nil }
}

// WithFaults sets what carries out fault steps.
func WithFaults(f FaultInjector) RunnerOption {
	return func(r *Runner) error { r.faults = f; return nil }
}

// WithNow sets the clock (default time.Now).
func WithNow(now func() time.Time) RunnerOption {
	return func(r *Runner) error { r.now = now; return nil }
}

// WithProgress writes a live progress display to w: one redrawn line when
// tty is true, plain periodic lines otherwise.
func WithProgress(w io.Writer, tty bool) RunnerOption {
	return func(r *Runner) error { r.progress, r.tty = w, tty; return nil }
}

// WithProgressEvery sets the period of plain progress lines.
func WithProgressEvery(d time.Duration) RunnerOption {
	return func(r *Runner) error {
		if d <= 0 {
			return fmt.Errorf("progress period must be > 0, got %v", d)
		}
		r.progressEvery = d
		return nil
	}
}

// WithTimeouts sets how long a join, another action and the final leave
// may take (zero keeps the default).
func WithTimeouts(start, action, leave time.Duration) RunnerOption {
	return func(r *Runner) error {
		if start < 0 || action < 0 || leave < 0 {
			return errors.New("timeouts must be >= 0")
		}
		if start > 0 {
			r.startTimeout = start
		}
		if action > 0 {
			r.actionTimeout = action
		}
		if leave > 0 {
			r.leaveTimeout = leave
		}
		return nil
	}
}

// WithHardStop makes the runner abandon graceful leaving when hard is
// closed (the second Ctrl-C): pending leaves are cancelled.
func WithHardStop(hard <-chan struct{}) RunnerOption {
	return func(r *Runner) error { r.hard = hard; return nil }
}

// WithMediaLag gives the runner the media pacing lag of the process (p99
// and max in ms), for generator health: total is over the whole run (read
// at the end); every is the lag since its previous call and the frames it
// covers, read once a second for the live overload event and the health
// events (nil: no live media rule).
func WithMediaLag(total func() (p99, max float64), every func() (p99, max float64, frames int64)) RunnerOption {
	return func(r *Runner) error { r.mediaLag, r.mediaLagEvery = total, every; return nil }
}

// NewRunner makes a Runner for p whose participants come from f.
func NewRunner(p *Plan, f Factory, opts ...RunnerOption) (*Runner, error) {
	if p == nil || f == nil {
		return nil, errors.New("scenario: NewRunner needs a plan and a factory")
	}
	r := &Runner{plan: p, factory: f, sink: reports.Discard, now: time.Now, progressEvery: DefaultProgressEvery,
		startTimeout: DefaultStartTimeout, actionTimeout: DefaultActionTimeout, leaveTimeout: DefaultLeaveTimeout}
	for _, o := range opts {
		if err := o(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Result is how a run went, apart from its events and samples.
type Result struct {
	Started, Ended time.Time
	// Interrupted is true when ctx ended the run before its duration.
	Interrupted bool
	Health      reports.Health
	// Actions fired, and how many failed or did not apply.
	Actions, Failed, Skipped int
	// StartLag is how late the timeline began after WithStartAt's instant
	// (negative: the wait ended early); zero without WithStartAt.
	StartLag time.Duration
}

// runState is what the workers of one run share.
type runState struct {
	now                                       func() time.Time
	sink                                      reports.Sink
	tally                                     *tally
	factory                                   Factory
	faults                                    FaultInjector
	hard                                      context.Context
	startTimeout, actionTimeout, leaveTimeout time.Duration
	failed, skipped                           atomic.Int64
}

func (rs *runState) event(e reports.Event) {
	if e.Time.IsZero() {
		e.Time = rs.now()
	}
	rs.sink.WriteEvent(e)
}

// Run plays the plan. Cancelling ctx ends the run early and gracefully:
// no new actions fire, every participant leaves, and the Result is
// complete (Interrupted set). Run returns when every goroutine it started
// has ended.
func (r *Runner) Run(ctx context.Context) (*Result, error) {
	if r.ran.Swap(true) {
		return nil, errors.New("scenario: a Runner runs once")
	}
	hard, cancelHard := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHard()
	var bg sync.WaitGroup
	defer bg.Wait()
	if r.hard != nil {
		stop := make(chan struct{})
		defer close(stop)
		bg.Add(1)
		go func() {
			defer bg.Done()
			select {
			case <-r.hard:
				cancelHard()
			case <-stop:
			}
		}()
	}
	tl := newTally(r.sink, len(r.plan.Users))
	rs := &runState{now: r.now, sink: tl, tally: tl, factory: r.factory, faults: r.faults, hard: hard,
		startTimeout: r.startTimeout, actionTimeout: r.actionTimeout, leaveTimeout: r.leaveTimeout}
	res := &Result{Started: r.now()}
	if !r.startAt.IsZero() {
		res.StartLag = r.waitStart(ctx)
		res.Started = r.startAt
	}
	h := newHealth(r.now, rs, r.mediaLag)
	h.mediaLagEvery = r.mediaLagEvery
	h.ticks = r.ticks

	// Worker goroutines start on their first job. Only the scheduler
	// (this goroutine) enqueues, and only before wg.Wait below.
	var wg sync.WaitGroup
	spawn := func(w *worker) {
		wg.Add(1)
		go func() { defer wg.Done(); w.run() }()
	}
	runW := newWorker(nil, rs, spawn)
	workers := map[string]*worker{}
	for _, u := range r.plan.Users {
		workers[u.ID] = newWorker(u, rs, spawn)
	}
	all := append([]*worker{runW}, mapValues(workers, r.plan.Users)...)

	rs.event(reports.Event{Time: res.Started, Kind: reports.KindRun, Event: reports.EvRunStart,
		Message: fmt.Sprintf("%s: %d users, %d rooms, %s", r.plan.Config.Name, len(r.plan.Users), len(r.plan.Rooms), r.plan.Duration)})
	monitors, stopMonitors := context.WithCancel(ctx)
	var mon sync.WaitGroup
	mon.Add(1)
	go func() { defer mon.Done(); h.watch(monitors) }()
	if r.progress != nil {
		mon.Add(1)
		go func() { defer mon.Done(); r.showProgress(monitors, res.Started, tl, h) }()
	}

	fire := func(a *Action, scheduled, fired time.Time) {
		res.Actions++
		h.actionLag(fired.Sub(scheduled))
		switch {
		case a.Name == "mark":
			rs.event(reports.Event{Time: fired, Kind: reports.KindRun, Event: reports.EvMark, Message: a.Mark, Value: ms(fired.Sub(scheduled))})
		case a.User == "":
			runW.enqueue(job{a: a, scheduled: scheduled, fired: fired})
		default:
			workers[a.User].enqueue(job{a: a, scheduled: scheduled, fired: fired})
		}
	}
	sch := newScheduler(r.plan.Actions, res.Started, r.now, fire)
	completed := sch.run(ctx, r.plan.Duration)
	res.Interrupted = !completed

	// Everyone leaves, concurrently; pending actions are dropped.
	for _, w := range all {
		w.close()
	}
	wg.Wait()
	stopMonitors()
	mon.Wait()
	res.Ended = r.now()
	res.Health = h.result(res.Ended)
	res.Failed, res.Skipped = int(rs.failed.Load()), int(rs.skipped.Load())
	msg := "completed"
	if res.Interrupted {
		msg = "interrupted"
	}
	rs.event(reports.Event{Time: res.Ended, Kind: reports.KindRun, Event: reports.EvRunEnd, Message: msg})
	if r.progress != nil {
		r.finalProgress(res, tl)
	}
	if res.Interrupted {
		return res, ErrInterrupted
	}
	return res, nil
}

func mapValues(m map[string]*worker, order []*User) []*worker {
	out := make([]*worker, 0, len(order))
	for _, u := range order {
		out = append(out, m[u.ID])
	}
	return out
}
