package live

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/scenario"
)

func TestMain(m *testing.M) {
	if os.Getenv(serveChildEnv) == "1" {
		runServeChild() // the reference service of startServeChild; never returns
	}
	goleak.VerifyTestMain(m)
}

const e2eScenario = `
name: e2e
seed: 5
duration: 8s
rooms: 2
groups:
  - {name: h, per_room: 2, im: true, media: {resolution: 180p}}
  - {name: late, count: 1, rooms: [1001], join: manual}
arrival: {rate: 20}
timeline:
  - {at: 2s, action: mark, name: a}
  - {at: 2s, fault: {fail_enter: {user: late-1, code: -100018}}}
  - {at: 2500ms, action: start, users: "group:late"}
  - {at: 3s, action: mute, users: "group:h[1]"}
  - {at: 3500ms, action: send_im, users: "group:h[2]", text: hi}
  - {at: 4s, action: camera_off, users: "group:h[3]"}
  - {at: 5s, action: mark, name: b}
assertions:
  - {name: hosts enter, metric: join_success_rate, users: "group:h", expect: "rate == 1"}
  - {name: refusal, event: {code: -100018, users: "user:late-1", window: [a, b]}, expect: "== 1"}
  - {name: impossible, metric: join_time, expect: "max < 0ms"}
`

// TestRunEndToEnd plays a short scenario on the embedded service with real
// bots and checks the run directory: every file present, run.json's checks
// as expected, junit.xml valid XML with one case per check, and the
// streams consistent with the checks.
func TestRunEndToEnd(t *testing.T) {
	c, err := scenario.Parse("e2e.yaml", []byte(e2eScenario))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "run")
	var progress strings.Builder
	o, err := Run(context.Background(), c, Options{Out: out, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{reports.EventsFile, reports.StatsFile, reports.RunFile, reports.SummaryFile, reports.JUnitFile, reports.HTMLFile} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	if o.Passed || len(o.Info.Checks) != 3 {
		t.Fatalf("checks = %+v; want 3 with one failure", o.Info.Checks)
	}
	want := map[string]bool{"hosts enter": true, "refusal": true, "impossible": false}
	for _, ch := range o.Info.Checks {
		if ch.Passed != want[ch.Name] {
			t.Errorf("check %q passed=%v: %s", ch.Name, ch.Passed, ch.Message)
		}
	}
	var info reports.RunInfo
	b, _ := os.ReadFile(filepath.Join(out, reports.RunFile))
	if err := json.Unmarshal(b, &info); err != nil || len(info.Checks) != 3 || info.Target != "embedded" || info.Health.Cores == 0 {
		t.Errorf("run.json = %+v, %v", info, err)
	}
	x, _ := os.ReadFile(filepath.Join(out, reports.JUnitFile))
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(x, &doc); err != nil || len(doc.Suites) == 0 {
		t.Fatalf("junit.xml: %v\n%s", err, x)
	}
	cases, failures := 0, 0
	for _, s := range doc.Suites {
		for _, tc := range s.Cases {
			if tc.Name == "generator" && o.Info.Health.Overloaded {
				continue // a loaded machine adds the honest inconclusive case
			}
			cases++
			if tc.Failure != nil {
				failures++
			}
		}
	}
	if cases != 3 || failures != 1 {
		t.Errorf("junit: %d cases, %d failures; want 3 and 1", cases, failures)
	}
	ds, err := reports.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	var entered, marks, actions int
	for _, e := range ds.Events {
		switch {
		case e.Event == reports.EvEntered:
			entered++
		case e.Event == reports.EvMark:
			marks++
		case e.Kind == reports.KindAction:
			actions++
		}
	}
	if entered != 4 || marks != 2 || actions < 8 {
		t.Errorf("events: %d entered (want 4: the late user was refused), %d marks (want 2), %d actions (want >= 8)", entered, marks, actions)
	}
	if len(ds.Samples) == 0 {
		t.Error("no samples")
	}
	// Re-evaluating the directory gives the same verdicts as the run.
	again := scenario.Evaluate(c, ds)
	for i := range again {
		if again[i].Passed != o.Info.Checks[i].Passed || again[i].Message != o.Info.Checks[i].Message {
			t.Errorf("re-evaluated check %d differs: %s vs %s", i, again[i].Message, o.Info.Checks[i].Message)
		}
	}
	// Re-judging the directory with an edited threshold replaces the checks.
	c.Assertions[2].Expect = scenario.Exprs{"max < 1m"}
	re, err := Reevaluate(c, out)
	if err != nil || !re.Passed || len(re.Info.Checks) != 3 || re.Info.Health.Cores == 0 {
		t.Errorf("Reevaluate = %+v, %v", re, err)
	}
	if info, err := reports.ReadRunInfo(out); err != nil || !info.Checks[2].Passed {
		t.Errorf("run.json after Reevaluate: %+v, %v", info, err)
	}
	if !strings.Contains(progress.String(), "run finished after") {
		t.Errorf("progress output:\n%s", progress.String())
	}
}

func TestRunTargetUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := scenario.Parse("u.yaml", []byte("target: {url: \"ws://"+addr+"/ws\"}\nrooms: 1\ngroups: [{name: g, count: 1}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) string { return map[string]string{"ROOMBOT_SECRET_KEY": "s3cr3t"}[k] }
	out := filepath.Join(t.TempDir(), "run")
	o, err := Run(context.Background(), c, Options{Out: out, Getenv: env})
	if o == nil || o.Dir != out || o.Info.Error == "" {
		t.Errorf("outcome of a run not carried out: %+v", o)
	}
	if !errors.Is(err, ErrNotCarried) || strings.Contains(err.Error(), "ROOMBOT_SECRET") {
		t.Errorf("err = %v; want ErrNotCarried", err)
	}
	// docs/reports.md: the run directory is still written, with the error.
	info, rerr := reports.ReadRunInfo(out)
	if rerr != nil || !strings.Contains(info.Error, "unreachable") || info.Verdict() != reports.VerdictNotCarried {
		t.Errorf("run.json: %v %+v", rerr, info)
	}
	junit, jerr := os.ReadFile(filepath.Join(out, reports.JUnitFile))
	if jerr != nil || !strings.Contains(string(junit), `type="RunError"`) || !strings.Contains(string(junit), "unreachable") {
		t.Errorf("junit.xml: %v\n%s", jerr, junit)
	}
	for _, f := range []string{reports.RunFile, reports.JUnitFile, reports.SummaryFile, reports.HTMLFile, reports.EventsFile} {
		if b, err := os.ReadFile(filepath.Join(out, f)); err != nil || strings.Contains(string(b), "s3cr3t") {
			t.Errorf("%s: %v (or it holds the secret)", f, err)
		}
	}
	_, err = Run(context.Background(), c, Options{Out: t.TempDir()})
	if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "$ROOMBOT_SECRET_KEY") {
		t.Errorf("without a secret: err = %v; want ErrUsage naming the variable", err)
	}
}

func TestRedact(t *testing.T) {
	if got := redact("ws://bob:pw@127.0.0.1:7880/ws?token=abc"); got != "ws://127.0.0.1:7880/ws" {
		t.Errorf("redact = %q", got)
	}
}
