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
	infos := make([]reports.RunInfo, len(dirs))
	for i, dir := range dirs {
		if a, err := filepath.Abs(dir); err == nil && a == absOut {
			return nil, fmt.Errorf("%w: output %s is one of the inputs", ErrMergeInput, out)
		}
		ri, err := reports.ReadRunInfo(dir)
		switch {
		case errors.Is(err, os.ErrNotExist): // as Read names a run without run.json
			infos[i] = reports.RunInfo{Name: filepath.Base(filepath.Clean(dir)), Incomplete: true}
		case err != nil:
			return nil, fmt.Errorf("merge: %w", err)
		default:
			infos[i] = *ri
		}
	}
	info, shardOf := mergeInfo(infos, dirs)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	ev, err := newLineWriter(filepath.Join(out, reports.EventsFile))
	if err != nil {
		return nil, err
	}
	st, err := newLineWriter(filepath.Join(out, reports.StatsFile))
	if err != nil {
		ev.close()
		return nil, err
	}
	// one pass per input: each line marked with its shard goes to out's
	// files and to the accumulators, which render out without reading it
	acc := NewAcc()
	for i, dir := range dirs {
		rename := shardOf[i]
		_, err := reports.Read(dir, reports.SinkFunc{
			Event: func(e reports.Event) {
				e.Shard = rename(e.Shard)
				ev.put(e)
				acc.WriteEvent(e)
			},
			Sample: func(s reports.Sample) {
				s.Shard = rename(s.Shard)
				st.put(s)
				acc.WriteSample(s)
			},
		})
		if err != nil {
			ev.close()
			st.close()
			return nil, fmt.Errorf("merge: %w", err)
		}
	}
	if err := errors.Join(ev.close(), st.close()); err != nil {
		return nil, err
	}
	return FinishAcc(out, info, nil, acc)
}

// mergeInfo names the shards and builds the merged RunInfo of the inputs'
// infos; shardOf[i] maps a line's shard in input i to its merged name.
func mergeInfo(infos []reports.RunInfo, dirs []string) (reports.RunInfo, []func(string) string) {
	var info reports.RunInfo
	shardOf := make([]func(string) string, len(infos))
	used := map[string]bool{}
	unique := func(name string) string {
		n := name
		for i := 2; used[n]; i++ {
			n = fmt.Sprintf("%s#%d", name, i)
		}
		used[n] = true
		return n
	}
	for i, d := range infos {
		if len(d.Shards) > 0 { // an already merged run: keep its shards and line marks
			rename := map[string]string{}
			for _, s := range d.Shards {
				old := s.Shard
				s.Shard = unique(old)
				rename[old] = s.Shard
				info.Shards = append(info.Shards, s)
			}
			shardOf[i] = func(old string) string { return rename[old] }
			continue
		}
		r := d
		r.Shard = unique(firstOf(r.Shard, r.Name, filepath.Base(filepath.Clean(dirs[i]))))
		shardOf[i] = func(string) string { return r.Shard }
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
	return info, shardOf
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

// lineWriter writes one JSON line per value to a file (created or
// truncated); the first error is kept and returned by close.
type lineWriter struct {
	path string
	f    *os.File
	w    *bufio.Writer
	enc  *json.Encoder
	err  error
}

func newLineWriter(path string) (*lineWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	enc := json.NewEncoder(w) // Encode appends the newline
	enc.SetEscapeHTML(false)
	return &lineWriter{path: path, f: f, w: w, enc: enc}, nil
}

func (l *lineWriter) put(v any) {
	if l.err == nil {
		l.err = l.enc.Encode(v)
	}
}

func (l *lineWriter) close() error {
	if err := errors.Join(l.err, l.w.Flush(), l.f.Close()); err != nil {
		return fmt.Errorf("merge %s: %w", l.path, err)
	}
	return nil
}
