package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/scenario/live"
)

// JobIndexEnv is the variable a Kubernetes Indexed Job sets to the pod's
// completion index (0..completions-1).
const JobIndexEnv = "JOB_COMPLETION_INDEX"

const runDistExamples = `
Several machines (shards; I is 0-based):
   roombot run cap.yaml --shard 0/3 --start-at 2026-12-02T09:00:00Z --out runs/s0   # ... and 1/3, 2/3 elsewhere
   roombot run --dry-run cap.yaml --shard 1/3                  # the part shard 1 of 3 plays
   JOB_COMPLETION_INDEX=2 roombot run cap.yaml --shards 3 --barrier /runs/b   # as in a Kubernetes Indexed Job
   roombot report --merge --out runs/all runs/s0 runs/s1 runs/s2  # one report, assertions over all shards
   roombot run cap.yaml --metrics-addr 127.0.0.1:9100          # Prometheus /metrics while the run goes`

// distFlagNames are the flags of runDistFlags, also accepted after the
// scenario file.
var distFlagNames = map[string]bool{"shard": true, "shards": true, "shard-by": true, "start-at": true,
	"barrier": true, "barrier-timeout": true, "barrier-margin": true, "metrics-addr": true}

func runDistFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "shard", Usage: "play part I of N of the scenario (I/N, I from 0)"},
		&cli.StringFlag{Name: "shards", Usage: "play one of N parts, I from $" + JobIndexEnv + " (a Kubernetes Indexed Job)"},
		&cli.StringFlag{Name: "shard-by", Usage: "split whole rooms (room, the default) or users one by one (user; needs target.url)"},
		&cli.StringFlag{Name: "start-at", Usage: "begin the timeline at this RFC 3339 instant (by the target's clock when it can be measured)"},
		&cli.StringFlag{Name: "barrier", Usage: "directory every shard shares: begin when all N shards arrived there"},
		&cli.StringFlag{Name: "barrier-timeout", Usage: "how long to wait for the other shards (default 10m)"},
		&cli.StringFlag{Name: "barrier-margin", Usage: "begin this long after the last shard arrived (default 2s; more where the shared directory is slow to show new files, e.g. NFS)"},
		&cli.StringFlag{Name: "metrics-addr", Usage: "serve Prometheus /metrics on HOST:PORT during the run"},
	}
}

// distFlags are the raw values of runDistFlags.
type distFlags map[string]string

func distFlagsOf(c *cli.Context) distFlags {
	d := distFlags{}
	for n := range distFlagNames {
		if c.IsSet(n) {
			d[n] = c.String(n)
		}
	}
	return d
}

// arg takes args[i] if it is one of the flags ("--name value" or
// "--name=value") and returns the index of the last argument used.
func (d distFlags) arg(args []string, i int) (int, bool, error) {
	name, val, hasVal := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
	if !distFlagNames[name] {
		return i, false, nil
	}
	if !hasVal {
		if i+1 >= len(args) {
			return i, true, fmt.Errorf("run: --%s needs a value", name)
		}
		i++
		val = args[i]
	}
	d[name] = val
	return i, true, nil
}

// dist turns the flags into live.Dist, reading the shard index from the
// environment for --shards.
func (d distFlags) dist(getenv func(string) string) (live.Dist, error) {
	var out live.Dist
	spec := d["shard"]
	if n, ok := d["shards"]; ok {
		if spec != "" {
			return out, errors.New("run: give --shard I/N or --shards N, not both")
		}
		idx := getenv(JobIndexEnv)
		if idx == "" {
			return out, fmt.Errorf("run: --shards %s reads the shard index from $%s, which is not set (use --shard I/N outside a Job)", n, JobIndexEnv)
		}
		spec = idx + "/" + n
	}
	if spec != "" {
		s, err := scenario.ParseShard(spec, d["shard-by"])
		if err != nil {
			return out, fmt.Errorf("run: %w", err)
		}
		out.Shard = &s
	} else if _, ok := d["shard-by"]; ok {
		return out, errors.New("run: --shard-by needs --shard or --shards")
	}
	if v, ok := d["start-at"]; ok {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return out, fmt.Errorf("run: --start-at %q: want an RFC 3339 time such as 2026-12-02T09:00:00Z", v)
		}
		out.StartAt = t
	}
	out.Barrier = d["barrier"]
	for name, to := range map[string]*time.Duration{"barrier-timeout": &out.BarrierTimeout, "barrier-margin": &out.BarrierMargin} {
		if v, ok := d[name]; ok {
			t, err := time.ParseDuration(v)
			if err != nil || t <= 0 {
				return out, fmt.Errorf("run: --%s %q: want a duration > 0 such as 5s", name, v)
			}
			*to = t
		}
	}
	out.MetricsAddr = d["metrics-addr"]
	return out, nil
}

// shardOf applies --shard to a plan for --dry-run.
func shardOf(plan *scenario.Plan, d live.Dist) (*scenario.Plan, error) {
	if d.Shard == nil {
		return plan, nil
	}
	return plan.Shard(*d.Shard)
}

// withMetricsNotice prints where the metrics are served.
func withMetricsNotice(env Env, d live.Dist) live.Dist {
	if d.MetricsAddr != "" {
		d.OnMetrics = func(url string) { fmt.Fprintf(env.Stderr, "metrics: %s\n", url) }
	}
	return d
}

// shardResult says what a shard's run leaves to the merge.
func shardResult(env Env, o *live.Outcome) {
	if p := o.Info.Part; p != nil {
		fmt.Fprintf(env.Stdout, "shard %d/%d: %d users in %d rooms; assertions are evaluated over all shards by roombot report --merge\n",
			p.Index, p.Count, p.Users, p.Rooms)
	}
	if s := o.Info.Start; s != nil && s.Via != "" {
		fmt.Fprintf(env.Stdout, "timeline began %.1f ms after the common start (%s)\n", s.LagMs, s.Via)
	}
}
