package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/internal/profile"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/scenario/live"
)

const runExamples = `Examples:
   roombot run fixtures/scenarios/ci-smoke.yaml               # embedded service, report in runs/
   roombot run fixtures/scenarios/capacity.yaml --out runs/cap
   roombot run --dry-run fixtures/scenarios/customer-repro.yaml   # print the plan, connect nothing
   roombot run --check my.yaml                                 # validate only
   roombot run ci-smoke.yaml --target livekit=ws://127.0.0.1:7880   # the same file against livekit-server
   roombot run my.yaml --target native=ws://127.0.0.1:8080/ws   # a running reference service

Exit codes: 0 all assertions passed, 1 an assertion failed, 2 usage or scenario
error, 3 the run could not be carried out, 4 inconclusive (assertions passed
but the load generator was overloaded; --accept-overload makes it 0),
5 interrupted (SIGINT/SIGTERM before the end). The first Ctrl-C ends the run
gracefully (bots leave, the report is complete); the second hangs up at once.
Memory: run and join set Go's GC target to 50 % (less RSS per bot, README
"Measured") unless GOGC is set; GOGC=100 restores Go's default.`

// runCommand plays a scenario file: `roombot run SCENARIO [--out DIR]`.
func runCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:        "run",
		Usage:       "run a scenario file: bots, timeline, assertions, reports",
		ArgsUsage:   "SCENARIO.yaml",
		Description: runExamples + runDistExamples,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "run directory to write (default runs/<name>-<time>)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the plan (every join and action with its time) and exit"},
			&cli.BoolFlag{Name: "check", Usage: "validate the scenario and exit"},
			&cli.BoolFlag{Name: "no-progress", Usage: "no live progress display"},
			&cli.StringFlag{Name: "target", Usage: "KIND=URL: play against this server instead of the file's target (kinds: " + strings.Join(live.TargetKinds(), ", ") + ")"},
			&cli.BoolFlag{Name: "accept-overload", Usage: "an overloaded load generator does not make the run inconclusive (exit 4)"},
			&cli.BoolFlag{Name: "zstd", Usage: "write stats.jsonl compressed as stats.jsonl.zst (about 5x smaller; every reader accepts either)"},
			cpuProfileFlag, memProfileFlag,
		}, runDistFlags()...),
		Action: func(c *cli.Context) error {
			bot.ApplyGCPercent() // GOGC 50 unless set (bot.DefaultGCPercent)
			f, err := runFlagsOf(c)
			if err != nil {
				return withExit(ExitUsage, err)
			}
			cfg, err := scenario.Load(f.file)
			if err != nil {
				return withExit(ExitUsage, err)
			}
			if err := overrideTarget(cfg, f.target); err != nil {
				return withExit(ExitUsage, err)
			}
			dist, err := f.dist.dist(env.getenv)
			if err != nil {
				return withExit(ExitUsage, err)
			}
			switch {
			case f.check:
				fmt.Fprintf(env.Stdout, "%s: valid\n", cfg.File())
				return nil
			case f.dryRun:
				plan, err := scenario.NewPlan(cfg)
				if err == nil {
					plan, err = shardOf(plan, dist)
				}
				if err != nil {
					return withExit(ExitUsage, err)
				}
				_, err = plan.WriteTo(env.Stdout)
				return err
			}
			stop, err := profile.Start(f.cpuProfile, f.memProfile)
			if err != nil {
				return withExit(ExitUsage, fmt.Errorf("run: %w", err))
			}
			err = play(c.Context, env, cfg, f, dist)
			return errors.Join(err, stop())
		},
	}
}

type runFlags struct {
	file, out, target                               string
	cpuProfile, memProfile                          string
	dryRun, check, noProgress, acceptOverload, zstd bool
	dist                                            distFlags
}

// runFlagsOf reads the flags, also where they follow the scenario file
// (urfave/cli stops parsing flags at the first argument, but the usage is
// `roombot run SCENARIO [--out DIR]`).
func runFlagsOf(c *cli.Context) (runFlags, error) {
	f := runFlags{out: c.String("out"), target: c.String("target"), dryRun: c.Bool("dry-run"), check: c.Bool("check"), noProgress: c.Bool("no-progress"),
		acceptOverload: c.Bool("accept-overload"), zstd: c.Bool("zstd"), dist: distFlagsOf(c), cpuProfile: c.String("cpuprofile"), memProfile: c.String("memprofile")}
	args := c.Args().Slice()
	var files []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--out" || a == "-o" || a == "-out":
			if i+1 >= len(args) {
				return f, errors.New("run: --out needs a directory")
			}
			f.out = args[i+1]
			i++
		case strings.HasPrefix(a, "--out="):
			f.out = strings.TrimPrefix(a, "--out=")
		case a == "--target" || a == "-target":
			if i+1 >= len(args) {
				return f, errors.New("run: --target needs KIND=URL")
			}
			f.target = args[i+1]
			i++
		case strings.HasPrefix(a, "--target="):
			f.target = strings.TrimPrefix(a, "--target=")
		case a == "--dry-run":
			f.dryRun = true
		case a == "--check":
			f.check = true
		case a == "--no-progress":
			f.noProgress = true
		case a == "--accept-overload":
			f.acceptOverload = true
		case a == "--zstd":
			f.zstd = true
		case a == "--cpuprofile" || a == "--memprofile":
			if i+1 >= len(args) {
				return f, fmt.Errorf("run: %s needs a file", a)
			}
			*profileFlag(&f, a) = args[i+1]
			i++
		case strings.HasPrefix(a, "--cpuprofile=") || strings.HasPrefix(a, "--memprofile="):
			name, v, _ := strings.Cut(a, "=")
			*profileFlag(&f, name) = v
		case strings.HasPrefix(a, "-") && a != "-":
			n, ok, err := f.dist.arg(args, i)
			if !ok {
				err = fmt.Errorf("run: unknown flag %s", a)
			}
			if err != nil {
				return f, err
			}
			i = n
		default:
			files = append(files, a)
		}
	}
	if len(files) != 1 {
		return f, errors.New("run: give exactly one scenario file (roombot run SCENARIO.yaml [--out DIR])")
	}
	f.file = files[0]
	return f, nil
}

// overrideTarget applies `--target KIND=URL` (when given) and checks the
// scenario against its target, before anything connects.
func overrideTarget(cfg *scenario.Config, flag string) error {
	if flag != "" {
		kind, u, err := live.ParseTargetFlag(flag)
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
		if err := cfg.OverrideTarget(kind, u); err != nil {
			return fmt.Errorf("run: %w", err)
		}
	}
	return live.Check(cfg)
}

// play runs cfg with two-phase Ctrl-C handling and maps the outcome to an
// exit code.
func play(parent context.Context, env Env, cfg *scenario.Config, f runFlags, dist live.Dist) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	hard := make(chan struct{})
	if env.Interrupt != nil {
		sig, stop := env.Interrupt()
		defer stop()
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		defer wg.Wait()
		defer close(done)
		go func() {
			defer wg.Done()
			for n := 0; n < 2; n++ {
				select {
				case <-sig:
				case <-done:
					return
				}
				if n == 0 {
					fmt.Fprintln(env.Stderr, "\nroombot: interrupted: bots are leaving, the report will be complete (Ctrl-C again to hang up now)")
					cancel()
				} else {
					close(hard)
				}
			}
		}()
	}
	opts := live.Options{Out: f.out, Getenv: env.getenv, Hard: hard, AcceptOverload: f.acceptOverload, Zstd: f.zstd, Dist: withMetricsNotice(env, dist)}
	if !f.noProgress {
		opts.Progress, opts.TTY = env.Stderr, isTerminal(env.Stderr)
	}
	o, err := live.Run(ctx, cfg, opts)
	if err != nil && o != nil { // not carried out, but the run directory holds the error
		abs, _ := filepath.Abs(o.Dir)
		fmt.Fprintf(env.Stdout, "report: %s\n", filepath.Join(abs, "report.html"))
	}
	switch {
	case errors.Is(err, live.ErrUsage):
		return withExit(ExitUsage, err)
	case err != nil:
		return withExit(ExitNotCarried, err)
	}
	for _, ch := range o.Info.Checks {
		mark := "PASS"
		if !ch.Passed {
			mark = "FAIL"
		}
		fmt.Fprintf(env.Stdout, "%s  %s: %s\n", mark, ch.Name, ch.Message)
	}
	abs, _ := filepath.Abs(o.Dir)
	fmt.Fprintf(env.Stdout, "report: %s\n", filepath.Join(abs, "report.html"))
	if o.Info.Interrupted {
		fmt.Fprintln(env.Stdout, "the run was interrupted before its end")
	}
	shardResult(env, o)
	return verdictError(o.Info)
}

// verdictError is nil for a passed run, else the exit code and the reason.
func verdictError(info reports.RunInfo) error {
	v := info.Verdict()
	var err error
	switch v {
	case reports.VerdictPassed:
		return nil
	case reports.VerdictFailed:
		n, total := 0, 0
		for _, r := range append([]reports.RunInfo{info}, info.Shards...) {
			total += len(r.Checks)
			for _, c := range r.Checks {
				if !c.Passed {
					n++
				}
			}
		}
		err = fmt.Errorf("%d of %d assertions failed", n, total)
	case reports.VerdictInconclusive:
		err = errors.New("inconclusive: the assertions passed but the load generator was overloaded (see the report's health section; --accept-overload to accept it)")
	case reports.VerdictInterrupted:
		err = errors.New("interrupted: the run did not reach its end, its assertions cover part of it")
	default:
		err = fmt.Errorf("the run could not be carried out: %s", info.Error)
	}
	return withExit(exitOf(v), err)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
