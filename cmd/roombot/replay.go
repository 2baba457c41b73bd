package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/scenario/live"
	"github.com/roombot/roombot/scenario/replay"
)

const replayExamples = `Examples:
   roombot replay fixtures/logs/teacher-1307.log --out repro.yaml
   roombot replay customer.log --out repro.yaml --speed 4 --run

Reads roombot's events.jsonl or a component log (JSON lines, or a console dump
of bindRoomEvent / bindIMEvent details: fixtures/logs/README.md) and writes a
scenario that replays it, with assertions that the log's error codes recur.
--run plays it at once and says whether they did. Exit codes as for run.`

// replayCommand builds a scenario from a log: `roombot replay LOG --out SCENARIO`.
func replayCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:        "replay",
		Usage:       "turn a customer's room-event log into a scenario (and run it)",
		ArgsUsage:   "LOG",
		Description: replayExamples,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "scenario file to write (required)"},
			&cli.Float64Flag{Name: "speed", Value: 1, Usage: "compress the time between events N times (network windows keep their length)"},
			&cli.BoolFlag{Name: "run", Usage: "run the scenario after writing it"},
			&cli.StringFlag{Name: "run-out", Usage: "run directory for --run (default runs/<name>-<time>)"},
		},
		Action: func(c *cli.Context) error {
			f, err := replayFlagsOf(c)
			if err != nil {
				return withExit(ExitUsage, err)
			}
			text, cfg, err := replay.File(f.log, replay.Options{Speed: f.speed})
			if err != nil {
				return withExit(ExitUsage, err)
			}
			if err := os.WriteFile(f.out, []byte(text), 0o644); err != nil {
				return withExit(ExitNotCarried, err)
			}
			fmt.Fprintf(env.Stdout, "wrote %s\n", f.out)
			if !f.run {
				return nil
			}
			err = play(c.Context, env, cfg, runFlags{out: f.runOut, noProgress: true}, live.Dist{})
			if err == nil {
				fmt.Fprintln(env.Stdout, "replay: the log's codes reproduced")
			} else {
				fmt.Fprintln(env.Stdout, "replay: the log's codes did not all reproduce")
			}
			return err
		},
	}
}

type replayFlags struct {
	log, out, runOut string
	speed            float64
	run              bool
}

// replayFlagsOf reads the flags, also where they follow the log (urfave/cli
// stops at the first argument; the usage is `roombot replay LOG --out F`).
func replayFlagsOf(c *cli.Context) (replayFlags, error) {
	f := replayFlags{out: c.String("out"), runOut: c.String("run-out"), speed: c.Float64("speed"), run: c.Bool("run")}
	args := c.Args().Slice()
	if len(args) == 0 {
		return f, errors.New("replay: give a log (roombot replay LOG --out SCENARIO.yaml)")
	}
	f.log = args[0]
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.out, "out", f.out, "")
	fs.StringVar(&f.out, "o", f.out, "")
	fs.StringVar(&f.runOut, "run-out", f.runOut, "")
	fs.Float64Var(&f.speed, "speed", f.speed, "")
	fs.BoolVar(&f.run, "run", f.run, "")
	if err := fs.Parse(args[1:]); err != nil {
		return f, fmt.Errorf("replay: %w", err)
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("replay: give exactly one log, got also %q", fs.Args())
	}
	if f.out == "" {
		return f, errors.New("replay: --out SCENARIO.yaml is required")
	}
	return f, nil
}
