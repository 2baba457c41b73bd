package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/render"
	"github.com/roombot/roombot/reports/summary"
	"github.com/roombot/roombot/scenario"
)

const reportExamples = `
   roombot report runs/demo                                 re-render summary.json, junit.xml, report.html
   roombot report --merge --out runs/all runs/m1 runs/m2    merge shards run on several machines into one report
   roombot report --merge --out runs/all --scenario cap.yaml runs/m1 runs/m2
                                                            ... and assert the scenario over all shards together
   roombot report --merge --wait 2h --out runs/all runs/s0 runs/s1 runs/s2
                                                            shards of roombot run --shard: wait for them, assert their scenario

   The report is recomputed from events.jsonl and stats.jsonl; assertion results come from run.json, or are
   evaluated again from the lines with --scenario (for a merged directory: over every shard's lines together).
   Exit status: 0 all assertions passed, 1 an assertion failed, 2 bad arguments or an unreadable run directory,
   3 the run could not be carried out, 4 inconclusive (overloaded generator), 5 interrupted or killed (no run.json).`

// reportCommand re-renders a run directory, or merges several into one.
func reportCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:        "report",
		Usage:       "re-render a run directory's report, or merge run directories (shards) into one",
		ArgsUsage:   "DIR | --merge --out OUT DIR...",
		Description: "Examples:" + reportExamples,
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "merge", Usage: "merge the run directories DIR... into --out"},
			&cli.StringFlag{Name: "out", Usage: "output run directory of --merge (created if missing)"},
			&cli.StringFlag{Name: "scenario", Usage: "evaluate this scenario file's assertions over the run's lines (replaces run.json's checks)"},
			cpuProfileFlag, memProfileFlag,
		}, reportDistFlags()...),
		Action: profiled("report", func(c *cli.Context) error {
			dirs := c.Args().Slice()
			for i, d := range dirs {
				dirs[i] = runDirOf(d)
			}
			var (
				s   *summary.Summary
				dir string
				err error
			)
			_, restoreGC := render.ApplyReportGC(dirs...) // GOGC=off + a soft memory limit sized from the streams, unless GOGC/GOMEMLIMIT is set
			defer restoreGC()
			switch {
			case c.Bool("merge"):
				if c.String("out") == "" || len(dirs) == 0 {
					return withExit(ExitUsage, errors.New("report --merge needs --out OUT and at least one run directory"))
				}
				dir = c.String("out")
				if d := c.Duration("wait"); d > 0 {
					if err := waitRuns(dirs, d); err != nil {
						return withExit(ExitUsage, err)
					}
				}
				s, err = render.Merge(dir, dirs...)
			case c.String("out") != "":
				return withExit(ExitUsage, errors.New("report: --out is only for --merge (DIR is re-rendered in place)"))
			case len(dirs) != 1:
				return withExit(ExitUsage, fmt.Errorf("report: want one run directory, got %d (use --merge to merge several)", len(dirs)))
			default:
				dir = dirs[0]
				s, err = render.Render(dir)
			}
			if err != nil {
				return withExit(ExitUsage, err)
			}
			file := c.String("scenario")
			if file == "" && c.Bool("merge") {
				if file, err = shardScenario(dir); err != nil {
					return withExit(ExitUsage, err)
				}
			}
			if file != "" {
				if s, err = reassert(dir, file); err != nil {
					return withExit(ExitUsage, err)
				}
			}
			return reportResult(env, dir, s)
		}),
	}
}

// runDirOf accepts a run directory or any file in one (events.jsonl,
// report.html, …), so a path pasted from a listing works.
func runDirOf(path string) string {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		switch filepath.Base(path) {
		case reports.EventsFile, reports.StatsFile, reports.StatsFileZstd, reports.RunFile, reports.SummaryFile, reports.JUnitFile, reports.HTMLFile:
			return filepath.Dir(path)
		}
	}
	return path
}

// reassert evaluates the scenario file's assertions over the run directory's
// lines, records them in run.json and renders again.
func reassert(dir, file string) (*summary.Summary, error) {
	cfg, err := scenario.Load(file)
	if err != nil {
		return nil, err
	}
	a, h, err := render.ReadAcc(dir)
	if err != nil {
		return nil, err
	}
	h.Info.Checks = scenario.EvaluateColumns(cfg, h.Info, a.Columns)
	return render.FinishAcc(dir, h.Info, h.Notes, a)
}

// reportResult prints where the report is and what it says; failed
// assertions make the exit status 1, as they did for the run.
func reportResult(env Env, dir string, s *summary.Summary) error {
	page := filepath.Join(dir, reports.HTMLFile)
	if abs, err := filepath.Abs(page); err == nil {
		page = abs
	}
	fmt.Fprintf(env.Stdout, "report: %s\n", page)
	fmt.Fprintf(env.Stdout, "%d bots in %d rooms, %d of %d enters succeeded, %d error events; assertions: %d passed, %d failed\n",
		s.Run.Users, s.Run.Rooms, s.Joins.Entered, s.Joins.Attempts, s.Events.Errors, s.Checks.Passed, s.Checks.Failed)
	if s.Health.Overloaded {
		fmt.Fprintln(env.Stdout, overloadWarning(s))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(env.Stderr, "note: %s\n", n)
	}
	info, _, err := reports.VerdictOf(dir)
	if err != nil {
		return withExit(ExitUsage, err)
	}
	return verdictError(info)
}
