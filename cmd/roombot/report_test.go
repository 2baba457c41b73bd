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
	if code, stdout, _ := reportRun(t, "report", filepath.Join(a, reports.EventsFile)); code != ExitOK || !strings.Contains(stdout, filepath.Join(a, reports.HTMLFile)) {
		t.Fatalf("report a/events.jsonl: %d %q", code, stdout)
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

// TestReportScenario re-evaluates a scenario's assertions over a merged
// directory: one suite for all shards together, then one per shard.
func TestReportScenario(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	a, b, out := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "all")
	reportDir(t, a, true)
	reportDir(t, b, true)
	scen := filepath.Join(root, "s.yaml")
	err := os.WriteFile(scen, []byte(`name: s
duration: 10s
rooms: 1
groups:
  - {name: hosts, count: 1}
assertions:
  - {name: fast joins, metric: join_time, expect: ["p(95) < 50ms", "max < 1s"]}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := reportRun(t, "report", "--merge", "--out", out, "--scenario", scen, a, b)
	// join time 90ms in both shards: p(95) < 50ms fails, max < 1s passes
	if code != ExitFailed || !strings.Contains(stdout, "assertions: 3 passed, 1 failed") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	info, err := reports.ReadRunInfo(out)
	if err != nil || len(info.Checks) != 2 || info.Checks[0].Passed || !info.Checks[1].Passed || len(info.Shards) != 2 {
		t.Fatalf("run.json: %v %+v", err, info)
	}
	junit, err := os.ReadFile(filepath.Join(out, reports.JUnitFile))
	if err != nil || !strings.Contains(string(junit), `<testsuite name="all shards" tests="2" failures="1"`) {
		t.Fatalf("junit.xml: %v\n%s", err, junit)
	}
	if code, _, stderr := reportRun(t, "report", "--scenario", filepath.Join(root, "missing.yaml"), a); code != ExitUsage || !strings.Contains(stderr, "missing.yaml") {
		t.Fatalf("missing scenario: %d %q", code, stderr)
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
