package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roombot/roombot/reports"
)

// TestReportVerdicts: `roombot report` on a killed run (no run.json), an
// interrupted one and one on an overloaded generator never exits 0 and
// never writes a green junit.xml; an overload accepted at run time passes.
func TestReportVerdicts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(*reports.RunInfo) // nil: delete run.json (a killed run)
		code  int
		error string // in junit.xml
	}{
		{"killed", nil, ExitInterrupted, `type="RunIncomplete"`},
		{"interrupted", func(r *reports.RunInfo) { r.Interrupted = true }, ExitInterrupted, `type="RunInterrupted"`},
		{"overloaded", func(r *reports.RunInfo) { r.Health.Overloaded = true }, ExitInconclusive, `type="GeneratorOverloaded"`},
		{"overload accepted", func(r *reports.RunInfo) { r.Health.Overloaded, r.OverloadAccepted = true, true }, ExitOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "run")
			reportDir(t, dir, true)
			if tc.edit == nil {
				if err := os.Remove(filepath.Join(dir, reports.RunFile)); err != nil {
					t.Fatal(err)
				}
			} else {
				info, err := reports.ReadRunInfo(dir)
				if err != nil {
					t.Fatal(err)
				}
				tc.edit(info)
				if err := reports.WriteRunInfo(dir, *info); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := reportRun(t, "report", dir)
			junit, err := os.ReadFile(filepath.Join(dir, reports.JUnitFile))
			if err != nil {
				t.Fatal(err)
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tc.code, stdout, stderr)
			}
			if tc.error != "" && (!strings.Contains(string(junit), tc.error) || strings.Contains(string(junit), `errors="0"`)) {
				t.Errorf("junit.xml has no %s error:\n%s", tc.error, junit)
			}
			if tc.error == "" && !strings.Contains(string(junit), `errors="0"`) {
				t.Errorf("junit.xml has errors:\n%s", junit)
			}
		})
	}
}

// TestAcceptOverloadFlag: --accept-overload is a run flag before or after
// the scenario file (run.json records it; TestReportVerdicts shows its
// effect on the verdict).
func TestAcceptOverloadFlag(t *testing.T) {
	t.Parallel()
	f := "../../fixtures/scenarios/ci-smoke.yaml"
	for _, args := range [][]string{{"--check", "--accept-overload", f}, {"--check", f, "--accept-overload"}} {
		if code, _, stderr := runRun(t, Env{}, args...); code != ExitOK {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}
