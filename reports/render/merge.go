package render

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// ErrMergeInput: Merge was given no runs, or its output is one of them.
var ErrMergeInput = errors.New("merge")

// Merge merges the run directories dirs (e.g. shards of one scenario run on
// several machines) into out: events.jsonl and stats.jsonl are the inputs'
// lines concatenated, each marked with its shard's name; run.json lists the
// inputs as Shards (each with its own Checks and Health) and spans them all;
// then out is rendered. A shard is named by its RunInfo.Shard, else its run
// name, else its directory name, made unique. Merged inputs are flattened.
func Merge(out string, dirs ...string) (*summary.Summary, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%w: no run directories given", ErrMergeInput)
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	var sets []*reports.Dataset
	for _, dir := range dirs {
		if a, err := filepath.Abs(dir); err == nil && a == absOut {
			return nil, fmt.Errorf("%w: output %s is one of the inputs", ErrMergeInput, out)
		}
		d, err := reports.Load(dir)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		sets = append(sets, d)
	}
	info, merged := mergeInfo(sets, dirs)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if err := writeLines(filepath.Join(out, reports.EventsFile), merged.Events); err != nil {
		return nil, err
	}
	if err := writeLines(filepath.Join(out, reports.StatsFile), merged.Samples); err != nil {
		return nil, err
	}
	if err := reports.WriteRunInfo(out, info); err != nil {
		return nil, err
	}
	return Render(out)
}

// mergeInfo names the shards, marks every line with its shard and builds
// the merged RunInfo.
func mergeInfo(sets []*reports.Dataset, dirs []string) (reports.RunInfo, *reports.Dataset) {
	var info reports.RunInfo
	merged := &reports.Dataset{}
	used := map[string]bool{}
	unique := func(name string) string {
		n := name
		for i := 2; used[n]; i++ {
			n = fmt.Sprintf("%s#%d", name, i)
		}
		used[n] = true
		return n
	}
	for i, d := range sets {
		if len(d.Info.Shards) > 0 { // an already merged run: keep its shards and line marks
			rename := map[string]string{}
			for _, s := range d.Info.Shards {
				old := s.Shard
				s.Shard = unique(old)
				rename[old] = s.Shard
				info.Shards = append(info.Shards, s)
			}
			for _, e := range d.Events {
				e.Shard = rename[e.Shard]
				merged.Events = append(merged.Events, e)
			}
			for _, s := range d.Samples {
				s.Shard = rename[s.Shard]
				merged.Samples = append(merged.Samples, s)
			}
			continue
		}
		r := d.Info
		r.Shard = unique(firstOf(r.Shard, r.Name, filepath.Base(filepath.Clean(dirs[i]))))
		for _, e := range d.Events {
			e.Shard = r.Shard
			merged.Events = append(merged.Events, e)
		}
		for _, s := range d.Samples {
			s.Shard = r.Shard
			merged.Samples = append(merged.Samples, s)
		}
		info.Shards = append(info.Shards, r)
	}
	var names, scen, targets, errs []string
	for _, s := range info.Shards {
		names = appendNew(names, s.Name)
		scen = appendNew(scen, s.Scenario)
		targets = appendNew(targets, s.Target)
		if s.Error != "" {
			errs = append(errs, s.Shard+": "+s.Error)
		}
		if info.Started.IsZero() || (!s.Started.IsZero() && s.Started.Before(info.Started)) {
			info.Started = s.Started
		}
		if s.Ended.After(info.Ended) {
			info.Ended = s.Ended
		}
		info.Interrupted = info.Interrupted || s.Interrupted
	}
	info.Name = strings.Join(names, "+")
	if len(scen) == 1 {
		info.Scenario = scen[0]
	}
	info.Target = strings.Join(targets, ", ")
	if seeds := seedsOf(info.Shards); len(seeds) == 1 {
		info.Seed = seeds[0]
	}
	info.Error = strings.Join(errs, "; ")
	// run.json's Health is the worst of the shards', as the summary computes it.
	info.Health = summary.Compute(&reports.Dataset{Info: info}).Health.Health
	return info, merged
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func seedsOf(runs []reports.RunInfo) []int64 {
	var seeds []int64
	for _, r := range runs {
		if !slices.Contains(seeds, r.Seed) {
			seeds = append(seeds, r.Seed)
		}
	}
	return seeds
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return "run"
}

// writeLines writes one JSON line per value to path (created or truncated).
func writeLines[T any](path string, lines []T) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	enc := json.NewEncoder(w) // Encode appends the newline
	enc.SetEscapeHTML(false)
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			f.Close()
			return fmt.Errorf("merge %s: %w", path, err)
		}
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return fmt.Errorf("merge %s: %w", path, err)
	}
	return nil
}
