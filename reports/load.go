package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// Load reads a run directory: run.json (optional: a killed run has none),
// events.jsonl and stats.jsonl. A last line without its newline that does not
// decode is a killed writer's partial line: it is skipped and noted. Any
// other bad line is an error naming file:line (*LineError, up to ten joined).
func Load(dir string) (*Dataset, error) {
	d := &Dataset{Dir: dir}
	info, err := ReadRunInfo(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		d.Info = RunInfo{Name: filepath.Base(filepath.Clean(dir)), Incomplete: true}
		d.Notes = append(d.Notes, "run.json is missing: the run did not finish (killed?); run info, checks and health are unknown")
	case err != nil:
		return nil, err
	default:
		d.Info = *info
	}
	found := 0
	var errs []error
	for _, name := range []string{EventsFile, StatsFile} {
		path := filepath.Join(dir, name)
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("load run: %w", err)
		}
		found++
		note, ferrs := d.read(f, path, maxLineErrors-len(errs))
		f.Close()
		errs = append(errs, ferrs...)
		if note != "" {
			d.Notes = append(d.Notes, note)
		}
	}
	if found == 0 {
		return nil, fmt.Errorf("load %s: %w", dir, ErrNoStreams)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("load %s: %w", dir, errors.Join(errs...))
	}
	sort.SliceStable(d.Events, func(i, j int) bool { return d.Events[i].Time.Before(d.Events[j].Time) })
	sort.SliceStable(d.Samples, func(i, j int) bool { return d.Samples[i].Time.Before(d.Samples[j].Time) })
	return d, nil
}

// read appends r's lines to d; it returns a note for a tolerated truncated
// last line and at most max line errors.
func (d *Dataset) read(r io.Reader, path string, max int) (note string, errs []error) {
	br := bufio.NewReaderSize(r, 64<<10)
	stats := filepath.Base(path) == StatsFile
	for n := 1; ; n++ {
		b, err := br.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			if err != io.EOF {
				errs = append(errs, fmt.Errorf("%s: %w", path, err))
			}
			return note, errs
		}
		last := err != nil // no newline: the final line
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		l, derr := decodeLine(b, stats)
		switch {
		case derr != nil && last:
			return fmt.Sprintf("%s:%d: skipped a truncated last line (%d bytes): the writer was killed mid-line", path, n, len(b)), errs
		case derr != nil:
			if len(errs) < max {
				errs = append(errs, &LineError{File: path, Line: n, Err: derr})
			}
		case l.Event != nil:
			d.Events = append(d.Events, *l.Event)
		default:
			d.Samples = append(d.Samples, *l.Sample)
		}
	}
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
