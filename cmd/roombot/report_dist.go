package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

func reportDistFlags() []cli.Flag {
	return []cli.Flag{
		&cli.DurationFlag{Name: "wait", Usage: "with --merge: wait up to this long for every run directory's run.json (shards still running)"},
	}
}

// waitRuns waits until every dir has its run.json (the run finished), up
// to d, and names those that did not.
func waitRuns(dirs []string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		var missing []string
		for _, dir := range dirs {
			if _, err := os.Stat(filepath.Join(dir, reports.RunFile)); err != nil {
				missing = append(missing, dir)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("report: after %s no %s in %s (run not finished, or failed)", d, reports.RunFile, strings.Join(missing, ", "))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// shardScenario is the scenario file that the merged shards in dir
// played, whose assertions the merge evaluates over all of them; "" when
// the inputs are not shards of a split scenario.
func shardScenario(dir string) (string, error) {
	info, err := reports.ReadRunInfo(dir)
	if err != nil {
		return "", err
	}
	shards := false
	for _, s := range info.Shards {
		shards = shards || s.Part != nil
	}
	switch {
	case !shards:
		return "", nil
	case info.Scenario == "":
		return "", errors.New("report: the shards played different scenario files (or recorded none): give --scenario FILE")
	}
	if _, err := os.Stat(info.Scenario); err != nil {
		return "", fmt.Errorf("report: the shards' scenario %s is not readable here (%w): give --scenario FILE to evaluate its assertions over all shards", info.Scenario, err)
	}
	return info.Scenario, nil
}

// overloadWarning names the overloaded shards, if any.
func overloadWarning(s *summary.Summary) string {
	if len(s.Health.OverloadedShards) > 0 {
		return "warning: the load generator was overloaded on " + strings.Join(s.Health.OverloadedShards, ", ") + "; see the report's health section"
	}
	return "warning: the load generator was overloaded; see the report's health section"
}
