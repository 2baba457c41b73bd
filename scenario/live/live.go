package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/render"
	"github.com/roombot/roombot/reports/summary"
	"github.com/roombot/roombot/scenario"
)

// Default environment variables for credentials and the admin token.
const (
	DefaultSecretEnv     = "ROOMBOT_SECRET_KEY"
	DefaultAdminTokenEnv = "ROOMBOT_ADMIN_TOKEN"
	DefaultSignTokenEnv  = "ROOMBOT_SIGN_TOKEN"
	// DefaultRunsDir is where run directories go when Options.Out is empty.
	DefaultRunsDir = "runs"
)

// Options are the runtime choices of one run (the scenario file holds the
// rest).
type Options struct {
	// Out is the run directory to create; default runs/<name>-<UTC time>.
	Out string
	// Getenv reads credentials the scenario names (os.Getenv by default).
	Getenv func(string) string
	// Progress receives the live progress display (nil: none); TTY redraws
	// one line instead of printing periodic lines.
	Progress io.Writer
	TTY      bool
	// ProgressEvery is the period of plain progress lines (default
	// scenario.DefaultProgressEvery).
	ProgressEvery time.Duration
	// Hard is closed to abandon graceful leaving (the second Ctrl-C).
	Hard <-chan struct{}
	// Logger receives the embedded service's and the bots' logs (default:
	// discarded, the run directory has the events).
	Logger *slog.Logger
	// AcceptOverload records that an overloaded generator does not make the
	// run inconclusive (RunInfo.OverloadAccepted).
	AcceptOverload bool
	// Zstd writes stats.jsonl compressed, as stats.jsonl.zst
	// (reports.WithZstd); every reader accepts either.
	Zstd bool
	// Dist: shards, a common start, live metrics (dist.go).
	Dist Dist
}

// Outcome is a finished run: where its report is and how it went.
type Outcome struct {
	Dir     string
	Info    reports.RunInfo
	Summary *summary.Summary
	// Passed is true when every assertion passed.
	Passed bool
}

// Failed returns the checks that did not pass.
func (o *Outcome) Failed() []reports.Check {
	var out []reports.Check
	for _, c := range o.Info.Checks {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// Run plays the scenario c for real and writes its run directory.
// Cancelling ctx interrupts the run gracefully: bots leave and the report
// is still complete (Info.Interrupted). Errors that prevent the run wrap
// ErrNotCarried or ErrUsage; with ErrNotCarried the Outcome is non-nil when
// the run directory could still be written with the error.
func Run(ctx context.Context, c *scenario.Config, o Options) (*Outcome, error) {
	plan, err := scenario.NewPlan(c)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if plan, err = o.Dist.shardPlan(plan); err != nil {
		return nil, err
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	started := time.Now().UTC()
	if o.Out == "" {
		o.Out = filepath.Join(DefaultRunsDir, fmt.Sprintf("%s-%s", safeName(c.Name), started.Format("20060102-150405")))
	}
	if err := browsersReady(c); err != nil {
		return notCarried(c, o.Out, started, err)
	}
	tg, err := OpenTarget(ctx, c, o)
	if err != nil {
		return notCarried(c, o.Out, started, err)
	}
	defer tg.Close()
	hostOpts := []bot.HostOption{bot.WithHostLogger(o.Logger)}
	if tg.ListenIP != "" {
		hostOpts = append(hostOpts, bot.WithListenIP(tg.ListenIP))
	}
	host, err := bot.NewHost(hostOpts...)
	if err != nil {
		return notCarried(c, o.Out, started, fmt.Errorf("%w: bot host: %w", ErrNotCarried, err))
	}
	defer host.Close()
	pool, err := startBrowsers(ctx, plan, tg)
	if err != nil {
		return notCarried(c, o.Out, started, err)
	}
	defer pool.Close()
	acc := render.NewAcc() // the reports, aggregated from every line the run directory gets
	dirOpts := []reports.Option{reports.WithTee(acc)}
	if o.Zstd {
		dirOpts = append(dirOpts, reports.WithZstd())
	}
	dir, err := reports.Create(o.Out, dirOpts...)
	if err != nil {
		return nil, fmt.Errorf("%w: run directory: %w", ErrNotCarried, err)
	}
	dr, err := o.Dist.prepare(ctx, c, plan)
	if err != nil {
		_ = dir.Close()
		return nil, err
	}
	defer dr.close()
	factory, nets := newFactory(plan, tg, host, pool, o.Logger)
	defer nets.close()
	opts := []scenario.RunnerOption{scenario.WithSink(dr.sink(dir)), scenario.WithFaults(tg.Faults),
		scenario.WithMediaLag(func() (float64, float64) {
			l := host.PacingLagTotal()
			return ms(l.P99), ms(l.Max)
		}, func() (float64, float64, int64) {
			l := host.PacingLag()
			return ms(l.P99), ms(l.Max), l.Frames
		})}
	if o.Progress != nil {
		opts = append(opts, scenario.WithProgress(o.Progress, o.TTY))
		if o.ProgressEvery > 0 {
			opts = append(opts, scenario.WithProgressEvery(o.ProgressEvery))
		}
	}
	if o.Hard != nil {
		opts = append(opts, scenario.WithHardStop(o.Hard))
	}
	opts = append(opts, dr.opts...)
	runner, err := scenario.NewRunner(plan, factory, opts...)
	if err != nil {
		_ = dir.Close()
		return nil, fmt.Errorf("%w: %w", ErrNotCarried, err)
	}
	res, runErr := runner.Run(ctx)
	if runErr != nil && !errors.Is(runErr, scenario.ErrInterrupted) {
		_ = dir.Close()
		return nil, fmt.Errorf("%w: %w", ErrNotCarried, runErr)
	}
	if err := dir.Close(); err != nil {
		return nil, fmt.Errorf("%w: writing the run directory: %w", ErrNotCarried, err)
	}
	dr.close() // the run is over: stop serving metrics before the report
	if beforeFinish != nil {
		beforeFinish(o.Out)
	}
	return finish(c, o, tg.Name, res, acc, func(info *reports.RunInfo) { dr.record(info, o.Dist, res) })
}

// beforeFinish, when set (by tests), is called with the run directory once
// its streams are closed, before the reports are written.
var beforeFinish func(dir string)

// finish evaluates the assertions and renders the reports from acc, which
// saw every line the run directory's files got (reports.WithTee), so a
// later `roombot report` of the directory gives the same; the files are
// not read back.
func finish(c *scenario.Config, o Options, targetName string, res *scenario.Result, acc *render.Acc, more func(*reports.RunInfo)) (*Outcome, error) {
	out := o.Out
	info := reports.RunInfo{Name: c.Name, Scenario: c.File(), Target: targetName, Seed: c.Seed,
		// as run.json reads back: without monotonic readings (durations from the wall clock)
		Started: res.Started.Round(0), Ended: res.Ended.Round(0), Interrupted: res.Interrupted, Health: res.Health, OverloadAccepted: o.AcceptOverload,
		Groups: c.GroupMembers()}
	more(&info)
	if info.Part == nil { // a shard's assertions are evaluated over all shards by report --merge
		info.Checks = scenario.EvaluateColumns(c, info, acc.Columns)
	}
	sum, err := render.FinishAcc(out, info, nil, acc)
	if err != nil {
		return nil, fmt.Errorf("%w: rendering reports: %w", ErrNotCarried, err)
	}
	oc := &Outcome{Dir: out, Info: info, Summary: sum, Passed: true}
	for _, ch := range info.Checks {
		oc.Passed = oc.Passed && ch.Passed
	}
	return oc, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
}

// redact drops credentials and query (tokens) from a URL before it is
// printed or written to run.json.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}
