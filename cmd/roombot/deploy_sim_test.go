package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// asCLIEnv makes the test binary act as the roombot command, so that the
// Job simulation starts real separate processes without building one.
const asCLIEnv = "ROOMBOT_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLIEnv) == "1" {
		os.Exit(Main(append([]string{"roombot"}, os.Args[1:]...), OSEnv()))
	}
	os.Exit(m.Run())
}

// pod is what the simulation knows of a pod: its volumes as local
// directories, the Secrets' values and the downward API's fields.
type pod struct {
	mounts  map[string]string // mount path → local directory
	secrets map[string]map[string]string
	fields  map[string]string
	extra   map[string]string // env the controller adds (JOB_COMPLETION_INDEX)
}

// env resolves a container's environment as the kubelet does.
func (p pod) env(t *testing.T, c corev1.Container) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			out[e.Name] = expand(e.Value, out)
		case e.ValueFrom.SecretKeyRef != nil:
			r := e.ValueFrom.SecretKeyRef
			v, ok := p.secrets[r.Name][r.Key]
			if !ok {
				t.Fatalf("env %s: no secret %s key %s", e.Name, r.Name, r.Key)
			}
			out[e.Name] = v
		case e.ValueFrom.FieldRef != nil:
			v, ok := p.fields[e.ValueFrom.FieldRef.FieldPath]
			if !ok {
				t.Fatalf("env %s: no field %s", e.Name, e.ValueFrom.FieldRef.FieldPath)
			}
			out[e.Name] = v
		default:
			t.Fatalf("env %s: source not simulated", e.Name)
		}
	}
	for k, v := range p.extra {
		out[k] = v
	}
	return out
}

// expand replaces $(VAR) with defined variables and $$ with $, leaving
// undefined references as they are (Kubernetes' rules for args and env).
func expand(s string, env map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			if end := strings.IndexByte(s[i:], ')'); end > 0 {
				if v, ok := env[s[i+2:i+end]]; ok {
					b.WriteString(v)
					i += end
					continue
				}
			}
			b.WriteByte('$')
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// start starts c's command as its pod would, with its args expanded and
// the mount paths mapped to local directories; replace swaps argument
// values that cannot be the same on one machine (listen addresses).
func (p pod) start(t *testing.T, ctx context.Context, c corev1.Container, replace map[string]string, stdout io.Writer) *exec.Cmd {
	t.Helper()
	env := p.env(t, c)
	var args []string
	for _, a := range c.Args {
		a = expand(a, env)
		if r, ok := replace[a]; ok {
			a = r
		}
		for mount, dir := range p.mounts {
			if a == mount || strings.HasPrefix(a, mount+"/") {
				a = dir + strings.TrimPrefix(a, mount)
			}
		}
		args = append(args, a)
	}
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = []string{asCLIEnv + "=1"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	errb := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, errb
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%v\nstdout:\n%s\nstderr:\n%s", args, stdout, errb.String())
		}
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// syncBuffer is a process's output, readable while it is written.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until re matches the output and returns its first group.
func (s *syncBuffer) waitFor(t *testing.T, re *regexp.Regexp, d time.Duration) string {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if m := re.FindStringSubmatch(s.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no %s in %s of output:\n%s", re, d, s.String())
	return ""
}

// TestJobSimulation plays deploy/k8s as Kubernetes would, on this
// machine: the reference service started from server.yaml, N shard
// processes started exactly as the Indexed Job starts its pods (same
// args and env, JOB_COMPLETION_INDEX set, the ConfigMap and the volume as
// directories), then the merge step from merge.yaml. The merged report
// must describe the same run as the scenario played by one process
// against the same service: the same joins, events by code and per-room
// counts, the same assertion results, and timelines begun together.
func TestJobSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("plays the scenario twice (about 40 s)")
	}
	m := loadManifests(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	p := pod{
		mounts:  map[string]string{"/scenario": filepath.Join(tmp, "scenario"), "/runs": filepath.Join(tmp, "runs")},
		secrets: map[string]map[string]string{"roombot-credentials": {"secret": hex.EncodeToString(secret), "admin-token": "t0ken"}},
		fields:  map[string]string{"status.podIP": "127.0.0.1"},
	}

	// The target: server.yaml's container on loopback and free ports.
	sc := m.server.Spec.Template.Spec.Containers[0]
	srvOut := &syncBuffer{}
	srv := p.start(t, ctx, sc, map[string]string{"0.0.0.0:7880": "127.0.0.1:0", "0.0.0.0:7881": "127.0.0.1:0"}, srvOut)
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	signal := srvOut.waitFor(t, regexp.MustCompile(`signaling (ws://[^ ,)]+)`), 30*time.Second)

	// The ConfigMap as the /scenario directory, aimed at the local service.
	src := strings.ReplaceAll(m.scenario.Data["scenario.yaml"], "ws://roombot-server:7880/ws", signal)
	if err := os.MkdirAll(p.mounts["/scenario"], 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.mounts["/scenario"], "scenario.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}

	// The Indexed Job: one process per completion index, all at once.
	job := m.shards.Spec
	c := job.Template.Spec.Containers[0]
	var shards []*exec.Cmd
	for i := range int(*job.Completions) {
		q := p
		q.extra = map[string]string{JobIndexEnv: fmt.Sprint(i)}
		shards = append(shards, q.start(t, ctx, c, map[string]string{"0.0.0.0:9100": "127.0.0.1:0"}, &syncBuffer{}))
	}
	for i, s := range shards {
		waitDone(t, s, fmt.Sprintf("shard %d", i))
	}
	// The merge Job.
	waitDone(t, p.start(t, ctx, m.merge.Spec.Template.Spec.Containers[0], nil, &syncBuffer{}), "merge")

	// The same scenario as one process, against the same service.
	single := filepath.Join(tmp, "single")
	one := p.start(t, ctx, corev1.Container{Args: []string{"run", "/scenario/scenario.yaml", "--out", single, "--no-progress"}, Env: c.Env}, nil, &syncBuffer{})
	waitDone(t, one, "single run")

	runID := p.env(t, c)["RUN_ID"]
	mergedDir := filepath.Join(p.mounts["/runs"], runID, "merged")
	compareRuns(t, readSummary(t, mergedDir), readSummary(t, single), int(*job.Completions))
	// Events by code over the scenario's timeline, up to its last mark
	// ("done", 1 s before the end): what happens in the final leave is a
	// race between a room's two members (who sees the other leave).
	if a, b := codesUntil(t, mergedDir, "done"), codesUntil(t, single, "done"); fmt.Sprint(a) != fmt.Sprint(b) || len(a) < 4 {
		t.Errorf("events by code up to mark done: merged %v, single %v", a, b)
	}
	for i := range int(*job.Completions) {
		info, err := reports.ReadRunInfo(filepath.Join(p.mounts["/runs"], runID, fmt.Sprintf("shard-%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		if info.Part == nil || info.Part.Index != i || info.Start == nil || info.Start.Clock == nil || info.Start.Clock.Error != "" || len(info.Checks) != 0 {
			t.Errorf("shard %d run.json: part %+v start %+v, %d checks (want the part, a measured clock, no checks of its own)", i, info.Part, info.Start, len(info.Checks))
			continue
		}
		t.Logf("shard %d: %d users, %d rooms; start via %s lag %.2f ms; clock offset %.2f ± %.2f ms", i, info.Part.Users, info.Part.Rooms,
			info.Start.Via, info.Start.LagMs, info.Start.Clock.OffsetMs, info.Start.Clock.ErrorMs)
	}
}

// waitDone waits for a process that must pass, or be inconclusive
// (exit 4: its generator was overloaded, which on a busy machine is the
// truth; its report says so and the comparison goes on).
func waitDone(t *testing.T, cmd *exec.Cmd, what string) {
	t.Helper()
	err := cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.ExitCode() == ExitInconclusive:
		t.Logf("%s: inconclusive, the generator was overloaded (load %s)", what, loadAvgNow())
	default:
		t.Fatalf("%s: %v", what, err)
	}
}

// codesUntil counts a run directory's events by code up to a mark.
func codesUntil(t *testing.T, dir, mark string) map[int]int {
	t.Helper()
	d, err := reports.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var end time.Time
	for _, e := range d.Events {
		if e.Event == reports.EvMark && e.Message == mark {
			end = e.Time
			break
		}
	}
	if end.IsZero() {
		t.Fatalf("%s: no mark %q", dir, mark)
	}
	out := map[int]int{}
	for _, e := range d.Events {
		if e.Code != 0 && !e.Time.After(end) {
			out[e.Code]++
		}
	}
	return out
}

func loadAvgNow() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b))
}

func readSummary(t *testing.T, dir string) *summary.Summary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, reports.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s summary.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// compareRuns checks that the merged shards and the single process
// played the same scenario with the same outcome.
func compareRuns(t *testing.T, merged, whole *summary.Summary, n int) {
	t.Helper()
	if len(merged.Run.Shards) != n {
		t.Errorf("merged run of %d shards, want %d: %v", len(merged.Run.Shards), n, merged.Run.Shards)
	}
	if merged.Run.Users != whole.Run.Users || merged.Run.Rooms != whole.Run.Rooms {
		t.Errorf("users/rooms: merged %d/%d, single %d/%d", merged.Run.Users, merged.Run.Rooms, whole.Run.Users, whole.Run.Rooms)
	}
	j1, j2 := merged.Joins, whole.Joins
	if j1.Attempts != j2.Attempts || j1.Entered != j2.Entered || j1.Failed != j2.Failed || j1.Entered == 0 {
		t.Errorf("joins: merged %d/%d/%d, single %d/%d/%d (attempts/entered/failed)", j1.Attempts, j1.Entered, j1.Failed, j2.Attempts, j2.Entered, j2.Failed)
	}
	rooms := func(s *summary.Summary) map[string]string {
		out := map[string]string{}
		for _, r := range s.Rooms {
			out[r.Room] = fmt.Sprintf("users %d entered %d failed %d errors %d", r.Users, r.Joins.Entered, r.Joins.Failed, r.Errors)
		}
		return out
	}
	if a, b := rooms(merged), rooms(whole); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("per room:\nmerged %v\nsingle %v", a, b)
	}
	for _, r := range merged.Rooms {
		if r.Stats.RxKbps.N == 0 || r.Stats.RxKbps.Avg <= 0 {
			t.Errorf("room %s: no media received in the merged run: %+v", r.Room, r.Stats.RxKbps)
		}
	}
	verdicts := func(s *summary.Summary, shard string) map[string]bool {
		out := map[string]bool{}
		for _, c := range s.Checks.List {
			if c.Shard == shard {
				out[c.Name] = c.Passed
			}
		}
		return out
	}
	if a, b := verdicts(merged, summary.AllShards), verdicts(whole, ""); fmt.Sprint(a) != fmt.Sprint(b) || len(a) == 0 {
		t.Errorf("assertions: merged over all shards %v, single %v", a, b)
	}
	// Timelines within 50 ms of each other, or the report says which
	// shard could not keep to the common start (a busy machine: a late
	// wake-up, a slow clock measurement).
	var aligned, off bool
	for _, note := range merged.Notes {
		aligned = aligned || regexp.MustCompile(`ms apart \(at most [0-9.]+ ms\), within the 50 ms allowed, by the target's clock`).MatchString(note)
		off = off || strings.Contains(note, "NOT within the 50 ms allowed")
		t.Logf("merged note: %s", note)
	}
	switch {
	case aligned:
	case off && len(merged.Health.OverloadedShards) > 0:
		t.Logf("the shards did not begin within 50 ms on this machine (load %s); the report names %v", loadAvgNow(), merged.Health.OverloadedShards)
	default:
		t.Errorf("the merged report neither says the shards began within 50 ms by the target's clock nor names a shard that was off: %q, overloaded %v",
			merged.Notes, merged.Health.OverloadedShards)
	}
}
