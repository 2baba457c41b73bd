package junit

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// parse decodes junit.xml with a schema-shaped struct independent of ours.
type xSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parse(t *testing.T, runs []reports.RunInfo) xSuites {
	t.Helper()
	b, err := Marshal(Build("roombot", runs))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "<?xml") {
		t.Fatalf("no XML header: %.60s", b)
	}
	var x xSuites
	if err := xml.Unmarshal(b, &x); err != nil {
		t.Fatalf("junit.xml does not parse: %v\n%s", err, b)
	}
	return x
}

func TestJUnitCounts(t *testing.T) {
	t.Parallel()
	run := reports.RunInfo{Name: "smoke", Started: t0, Ended: t0.Add(90 * time.Second), Checks: []reports.Check{
		{Name: "join time", Expr: "p(95) < 300ms", Passed: true, Observed: 120, Unit: "ms", Message: "expected p(95) < 300ms, measured 120ms"},
		{Name: "loss", Expr: "p(95) < 1%", Passed: false, Observed: 3.2, Unit: "%", Message: "expected p(95) < 1%, measured 3.2% <&>"},
		{Name: "no kicks", Expr: "count == 0", Passed: false, Observed: 2},
	}}
	x := parse(t, []reports.RunInfo{run})
	if x.Tests != 3 || x.Failures != 2 || x.Errors != 0 || len(x.Suites) != 1 {
		t.Fatalf("counts: %+v", x)
	}
	s := x.Suites[0]
	if s.Name != "smoke" || s.Tests != 3 || s.Failures != 2 || len(s.Cases) != 3 {
		t.Fatalf("suite: %+v", s)
	}
	if s.Cases[0].Failure != nil || s.Cases[1].Failure == nil || s.Cases[1].Failure.Message != "expected p(95) < 1%, measured 3.2% <&>" {
		t.Fatalf("cases: %+v", s.Cases)
	}
	if got := s.Cases[2].Failure.Message; got != "expected count == 0, measured 2" {
		t.Fatalf("built message = %q", got)
	}
}

func TestJUnitZeroChecksAndRunError(t *testing.T) {
	t.Parallel()
	x := parse(t, []reports.RunInfo{{Name: "empty"}})
	if x.Tests != 0 || len(x.Suites) != 1 || x.Suites[0].Tests != 0 {
		t.Fatalf("zero checks: %+v", x)
	}
	x = parse(t, []reports.RunInfo{{Name: "down", Error: "dial 127.0.0.1:1: connection refused"}})
	if x.Errors != 1 || x.Suites[0].Cases[0].Error == nil {
		t.Fatalf("run error: %+v", x)
	}
}

func TestJUnitSuitePerShard(t *testing.T) {
	t.Parallel()
	c := []reports.Check{{Name: "a", Passed: true}, {Name: "b", Passed: false, Message: "m"}}
	x := parse(t, []reports.RunInfo{{Name: "r", Shard: "m1", Checks: c}, {Name: "r", Shard: "m2", Checks: c[:1]}})
	if len(x.Suites) != 2 || x.Suites[0].Name != "m1" || x.Suites[1].Name != "m2" || x.Tests != 3 || x.Failures != 1 {
		t.Fatalf("shards: %+v", x)
	}
}

// TestJUnitNotGreenWhenIncomplete: an interrupted run, a killed one (no
// run.json) and one on an overloaded generator are never a green suite:
// each gets a "run" or "generator" case with an <error> saying so; an
// accepted overload is a passing case.
func TestJUnitNotGreenWhenIncomplete(t *testing.T) {
	t.Parallel()
	pass := []reports.Check{{Name: "a", Passed: true}}
	for _, tc := range []struct {
		name   string
		r      reports.RunInfo
		errors int
		msg    string
	}{
		{"interrupted", reports.RunInfo{Name: "r", Checks: pass, Interrupted: true}, 1, "interrupted"},
		{"killed", reports.RunInfo{Name: "r", Incomplete: true}, 1, "did not finish"},
		{"overloaded", reports.RunInfo{Name: "r", Checks: pass, Health: reports.Health{Overloaded: true, Notes: []string{"CPU 190%"}}}, 1, "inconclusive"},
		{"overload accepted", reports.RunInfo{Name: "r", Checks: pass, Health: reports.Health{Overloaded: true}, OverloadAccepted: true}, 0, ""},
	} {
		x := parse(t, []reports.RunInfo{tc.r})
		if x.Errors != tc.errors || x.Suites[0].Errors != tc.errors {
			t.Errorf("%s: %d errors, want %d: %+v", tc.name, x.Errors, tc.errors, x)
			continue
		}
		found := tc.errors == 0
		for _, c := range x.Suites[0].Cases {
			if c.Error != nil && strings.Contains(c.Error.Message, tc.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no <error> saying %q: %+v", tc.name, tc.msg, x.Suites[0].Cases)
		}
		if tc.name == "overload accepted" && x.Suites[0].Tests != 2 {
			t.Errorf("accepted overload: want a passing generator case, got %+v", x.Suites[0].Cases)
		}
	}
}
