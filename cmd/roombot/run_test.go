package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/roombot/roombot/reports"
)

func runRun(t *testing.T, env Env, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env.Stdout, env.Stderr = &out, &errb
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	code := Main(append([]string{"roombot", "run"}, args...), env)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunCommandUsage(t *testing.T) {
	t.Parallel()
	bad := writeFile(t, "bad.yaml", "rooms: 1\ngroups:\n  - name: g\n    cuont: 2\ntimeline:\n  - {at: 1s, action: mutee, users: all}\n")
	code, _, stderr := runRun(t, Env{}, bad)
	if code != ExitUsage || !strings.Contains(stderr, "bad.yaml:4:5: groups[0].cuont: unknown key \"cuont\" in groups[0] (did you mean \"count\"?)") {
		t.Errorf("bad file: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runRun(t, Env{}); code != ExitUsage || !strings.Contains(stderr, "exactly one scenario file") {
		t.Errorf("no file: exit %d, %q", code, stderr)
	}
	if code, _, _ := runRun(t, Env{}, "../../fixtures/scenarios/ci-smoke.yaml", "--bogus"); code != ExitUsage {
		t.Errorf("unknown flag: exit %d", code)
	}
	code, stdout, _ := runRun(t, Env{}, "../../fixtures/scenarios/ci-smoke.yaml", "--dry-run")
	if code != ExitOK || !strings.Contains(stdout, `scenario "ci-smoke": 10 users in 3 rooms`) || !strings.Contains(stdout, "fail_enter") {
		t.Errorf("dry run: exit %d, %q", code, stdout)
	}
	if code, stdout, _ := runRun(t, Env{}, "--check", "../../fixtures/scenarios/capacity.yaml"); code != ExitOK || !strings.Contains(stdout, "valid") {
		t.Errorf("check: exit %d, %q", code, stdout)
	}
}

func TestRunCommandNotCarried(t *testing.T) {
	t.Parallel()
	f := unreachableScenario(t)
	env := Env{Getenv: func(k string) string { return map[string]string{"ROOMBOT_SECRET_KEY": "not-printed"}[k] }}
	code, _, stderr := runRun(t, env, f, "--out", t.TempDir())
	if code != ExitNotCarried || !strings.Contains(stderr, "unreachable") || strings.Contains(stderr, "not-printed") {
		t.Errorf("unreachable: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runRun(t, Env{}, f); code != ExitUsage || !strings.Contains(stderr, "$ROOMBOT_SECRET") {
		t.Errorf("no secret: exit %d, %q", code, stderr)
	}
}

// TestRunCommandInterrupted: a Ctrl-C before anything happens still gives
// a complete run directory, marked interrupted (junit.xml too), assertions
// on marks that never happened fail, and the exit code is "interrupted",
// never 0 or a plain failure.
func TestRunCommandInterrupted(t *testing.T) {
	t.Parallel()
	f := writeFile(t, "i.yaml", `
duration: 60s
rooms: 1
groups: [{name: g, count: 2, media: {resolution: 180p}}]
timeline:
  - {at: 50s, action: mark, name: late}
assertions:
  - {metric: join_time, window: [start, late], expect: "max < 5s"}
`)
	sig := make(chan os.Signal, 2)
	sig <- syscall.SIGINT
	env := Env{Interrupt: func() (<-chan os.Signal, func()) { return sig, func() {} }}
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := runRun(t, env, f, "--out", out, "--no-progress")
	if code != ExitInterrupted || !strings.Contains(stdout, "interrupted") || !strings.Contains(stdout, `mark \"late\" never happened`) && !strings.Contains(stdout, `mark "late" never happened`) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	var info reports.RunInfo
	b, err := os.ReadFile(filepath.Join(out, reports.RunFile))
	if err != nil || json.Unmarshal(b, &info) != nil || !info.Interrupted || len(info.Checks) != 1 {
		t.Fatalf("run.json: %v %+v", err, info)
	}
	if junit, err := os.ReadFile(filepath.Join(out, reports.JUnitFile)); err != nil || !strings.Contains(string(junit), `type="RunInterrupted"`) {
		t.Errorf("junit.xml does not say interrupted: %v\n%s", err, junit)
	}
	for _, name := range []string{reports.SummaryFile, reports.JUnitFile, reports.HTMLFile, reports.EventsFile} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestRunTargetFlag: --target overrides the file's target (before or
// after the file) and the scenario is checked against it before anything
// connects.
func TestRunTargetFlag(t *testing.T) {
	t.Parallel()
	smoke := "../../fixtures/scenarios/ci-smoke.yaml"
	if code, _, stderr := runRun(t, Env{}, smoke, "--check", "--target", "nosuch=ws://127.0.0.1:1"); code != ExitUsage || !strings.Contains(stderr, `unknown kind "nosuch"`) {
		t.Errorf("unknown kind: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runRun(t, Env{}, "--target", "native", smoke, "--check"); code != ExitUsage || !strings.Contains(stderr, "want KIND=URL") {
		t.Errorf("no URL: exit %d, %q", code, stderr)
	}
	// ci-smoke injects a fault; a native target without an admin API
	// cannot: refused at the fault step's position, nothing dialled.
	code, _, stderr := runRun(t, Env{}, smoke, "--check", "--target=native=ws://127.0.0.1:1/ws")
	if code != ExitUsage || !strings.Contains(stderr, "ci-smoke.yaml:30:21: timeline[1].fault: a fault step needs the reference service's admin API") {
		t.Errorf("fault without admin API: exit %d, %q", code, stderr)
	}
	quiet := writeFile(t, "q.yaml", "rooms: 1\ngroups: [{name: g, count: 1}]\n")
	if code, stdout, stderr := runRun(t, Env{}, quiet, "--dry-run", "--target", "native=ws://127.0.0.1:1/ws"); code != ExitOK || !strings.Contains(stdout, "target native ws://127.0.0.1:1/ws") {
		t.Errorf("dry run with --target: exit %d, %q %q", code, stdout, stderr)
	}
}
