package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/html"
	"github.com/roombot/roombot/reports/junit"
	"github.com/roombot/roombot/reports/summary"
)

// Finish completes a run directory at the end of a run: it writes info as
// run.json, then renders summary.json, junit.xml and report.html from the
// directory's streams. Close the Dir writing the streams first.
func Finish(dir string, info reports.RunInfo) (*summary.Summary, error) {
	if err := reports.WriteRunInfo(dir, info); err != nil {
		return nil, err
	}
	return Render(dir)
}

// FinishDataset is Finish for a caller that already holds the run's
// Dataset (e.g. loaded with reports.Load to evaluate assertions): it writes
// d.Info as run.json and renders d without reading the streams again.
func FinishDataset(dir string, d *reports.Dataset) (*summary.Summary, error) {
	if err := reports.WriteRunInfo(dir, d.Info); err != nil {
		return nil, err
	}
	return Write(dir, d)
}

// Render (re)writes summary.json, junit.xml and report.html of the run
// directory dir from its run.json (optional) and streams, and returns the
// summary.
func Render(dir string) (*summary.Summary, error) {
	d, err := reports.Load(dir)
	if err != nil {
		return nil, err
	}
	return Write(dir, d)
}

// Write renders the dataset d into dir's summary.json, junit.xml and
// report.html. Each file is replaced atomically.
func Write(dir string, d *reports.Dataset) (*summary.Summary, error) {
	s := summary.Compute(d)
	js, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("summary.json: %w", err)
	}
	if err := reports.WriteFileAtomic(filepath.Join(dir, reports.SummaryFile), append(js, '\n')); err != nil {
		return nil, err
	}
	name := d.Info.Name
	if name == "" {
		name = "roombot"
	}
	runs := d.Runs()
	if len(d.Info.Shards) > 0 && len(d.Info.Checks) > 0 { // a merged run's own checks: their own suite, first
		all := d.Info
		all.Shard, all.Shards, all.Error = summary.AllShards, nil, ""
		all.Interrupted, all.Health = false, reports.Health{} // each shard's suite says these
		runs = append([]reports.RunInfo{all}, runs...)
	}
	x, err := junit.Marshal(junit.Build(name, runs))
	if err != nil {
		return nil, err
	}
	if err := reports.WriteFileAtomic(filepath.Join(dir, reports.JUnitFile), x); err != nil {
		return nil, err
	}
	var page bytes.Buffer
	if err := html.Write(&page, d, s); err != nil {
		return nil, err
	}
	if err := reports.WriteFileAtomic(filepath.Join(dir, reports.HTMLFile), page.Bytes()); err != nil {
		return nil, err
	}
	return s, nil
}
