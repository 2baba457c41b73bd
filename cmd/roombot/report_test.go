package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

// reportRun runs roombot in-process.
func reportRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"roombot"}, args...), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

// reportDir writes a small run directory through the real writer.
func reportDir(t *testing.T, dir string, passed bool) {
	t.Helper()
	w, err := reports.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	w.WriteEvent(reports.Event{Time: t0, User: "u1", Room: "1001", Kind: reports.KindRoom, Event: reports.EvEntered, Code: 1018, Value: 90})
	w.WriteSample(reports.Sample{Time: t0.Add(time.Second), User: "u1", Room: "1001", Interval: 1, TxKbps: 500})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	err = reports.WriteRunInfo(dir, reports.RunInfo{Name: filepath.Base(dir), Started: t0, Ended: t0.Add(2 * time.Second),
		Checks: []reports.Check{{Name: "join", Passed: passed, Message: "expected p(95) < 300ms, measured 90ms"}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReportCommand(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	a, b, out := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "all")
	reportDir(t, a, true)
	reportDir(t, b, false)

	code, stdout, stderr := reportRun(t, "report", a)
	if code != ExitOK || !strings.Contains(stdout, "report.html") || !strings.Contains(stdout, "1 passed, 0 failed") {
		t.Fatalf("report a: %d %q %q", code, stdout, stderr)
	}
	for _, f := range []string{reports.SummaryFile, reports.JUnitFile, reports.HTMLFile} {
		if _, err := os.Stat(filepath.Join(a, f)); err != nil {
			t.Errorf("report a: %v", err)
		}
	}
	if code, _, stderr := reportRun(t, "report", b); code != ExitFailed || !strings.Contains(stderr, "1 of 1 assertions failed") {
		t.Fatalf("report b: %d %q", code, stderr)
	}
	code, stdout, stderr = reportRun(t, "report", "--merge", "--out", out, a, b)
	if code != ExitFailed || !strings.Contains(stdout, "2 bots in 1 rooms, 2 of 2 enters") {
		t.Fatalf("merge: %d %q %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, reports.HTMLFile)); err != nil {
		t.Fatal(err)
	}
}

func TestReportCommandUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"no dir":        {"report"},
		"two dirs":      {"report", dir, dir},
		"merge no out":  {"report", "--merge", dir},
		"out no merge":  {"report", "--out", dir, dir},
		"not a run dir": {"report", dir},
		"merge into in": {"report", "--merge", "--out", dir, dir},
		"unknown flag":  {"report", "--bogus", dir},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if code, _, stderr := reportRun(t, args...); code != ExitUsage || stderr == "" {
				t.Fatalf("exit %d, stderr %q; want %d and a message", code, stderr, ExitUsage)
			}
		})
	}
}
