package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// maxLineErrors caps how many bad lines one Load reports.
const maxLineErrors = 10

// Dataset is a run directory read back: its RunInfo and every Event and
// Sample, each sorted by time (stable, so a bot's lines keep their order).
type Dataset struct {
	Dir     string
	Info    RunInfo
	Events  []Event
	Samples []Sample
	// Notes are problems Load tolerated, in words: a missing run.json (the
	// run never finished), a truncated last line (the run was killed).
	Notes []string
}

// Runs returns the runs the dataset is made of: the shards of a merged run,
// or the run itself.
func (d *Dataset) Runs() []RunInfo {
	if len(d.Info.Shards) > 0 {
		return d.Info.Shards
	}
	return []RunInfo{d.Info}
}

// Feed hands every event, then every sample of d to sink, in d's order.
func (d *Dataset) Feed(sink Sink) {
	for _, e := range d.Events {
		sink.WriteEvent(e)
	}
	for _, s := range d.Samples {
		sink.WriteSample(s)
	}
}

// Load reads a run directory: run.json (optional: a killed run has none),
// events.jsonl and stats.jsonl. A last line without its newline that does not
// decode is a killed writer's partial line: it is skipped and noted. Any
// other bad line is an error naming file:line (*LineError, up to ten joined).
func Load(dir string) (*Dataset, error) {
	d := &Dataset{Dir: dir}
	h, err := Read(dir, SinkFunc{
		Event:  func(e Event) { d.Events = append(d.Events, e) },
		Sample: func(s Sample) { d.Samples = append(d.Samples, s) },
	})
	if err != nil {
		return nil, err
	}
	d.Info, d.Notes = h.Info, h.Notes
	sort.SliceStable(d.Events, func(i, j int) bool { return d.Events[i].Time.Before(d.Events[j].Time) })
	sort.SliceStable(d.Samples, func(i, j int) bool { return d.Samples[i].Time.Before(d.Samples[j].Time) })
	return d, nil
}

// ReadRunInfo reads dir/run.json. A missing file is an error wrapping
// os.ErrNotExist.
func ReadRunInfo(dir string) (*RunInfo, error) {
	path := filepath.Join(dir, RunFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("run info: %w", err)
	}
	var info RunInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("run info %s: %w", path, err)
	}
	return &info, nil
}

// WriteRunInfo writes info as dir/run.json, atomically (a reader sees the
// old file or the new one, never half of one).
func WriteRunInfo(dir string, info RunInfo) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("run info: %w", err)
	}
	return WriteFileAtomic(filepath.Join(dir, RunFile), append(b, '\n'))
}

// WriteFileAtomic writes b to path through a temporary file in the same
// directory and a rename.
func WriteFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
