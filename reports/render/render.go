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
// directory's streams (read once, streaming). Close the Dir writing the
// streams first.
func Finish(dir string, info reports.RunInfo) (*summary.Summary, error) {
	if err := reports.WriteRunInfo(dir, info); err != nil {
		return nil, err
	}
	return Render(dir)
}

// FinishAcc is Finish for a caller that fed a its run's lines (the runner,
// through reports.WithTee): it writes info as run.json and renders a
// without reading the streams again. notes are the reader's (none live).
func FinishAcc(dir string, info reports.RunInfo, notes []string, a *Acc) (*summary.Summary, error) {
	if err := reports.WriteRunInfo(dir, info); err != nil {
		return nil, err
	}
	return WriteAcc(dir, info, notes, a)
}

// Render (re)writes summary.json, junit.xml and report.html of the run
// directory dir from its run.json (optional) and streams, and returns the
// summary. The streams are read once (reports.Read) into an Acc: memory
// grows with the run's samples by about a hundred bytes each, not by the
// Samples themselves.
func Render(dir string) (*summary.Summary, error) {
	a, h, err := ReadAcc(dir)
	if err != nil {
		return nil, err
	}
	return WriteAcc(dir, h.Info, h.Notes, a)
}

// ReadAcc reads the run directory dir into a new Acc.
func ReadAcc(dir string) (*Acc, *reports.Header, error) {
	a := NewAcc()
	if info, err := reports.ReadRunInfo(dir); err == nil && info.Ended.After(info.Started) {
		a.Drill.Expect(int(info.Ended.Sub(info.Started).Seconds()) + 2) // samples are once a second
	}
	h, err := reports.Read(dir, a)
	if err != nil {
		return nil, nil, err
	}
	return a, h, nil
}

// Write renders the dataset d into dir's summary.json, junit.xml and
// report.html: WriteAcc of its lines.
func Write(dir string, d *reports.Dataset) (*summary.Summary, error) {
	return WriteAcc(dir, d.Info, d.Notes, AccOf(d))
}

// WriteAcc renders the lines gathered in a, with the run's info and the
// reader's notes, into dir's summary.json, junit.xml and report.html. Each
// file is replaced atomically.
func WriteAcc(dir string, info reports.RunInfo, notes []string, a *Acc) (*summary.Summary, error) {
	s := a.Summary.Summary(info, notes)
	d := &reports.Dataset{Info: info} // Runs() of the run
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
	if err := html.WriteColumns(&page, a.Columns, a.Drill, s); err != nil {
		return nil, err
	}
	if err := reports.WriteFileAtomic(filepath.Join(dir, reports.HTMLFile), page.Bytes()); err != nil {
		return nil, err
	}
	return s, nil
}
