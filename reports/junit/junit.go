package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/roombot/roombot/reports"
)

// Suites is the <testsuites> root element.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Time     float64  `xml:"time,attr"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is one <testsuite>: one run or shard.
type Suite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       float64    `xml:"time,attr"`
	Timestamp  string     `xml:"timestamp,attr,omitempty"` // ISO 8601 without zone, as the schema wants
	Properties []Property `xml:"properties>property,omitempty"`
	Cases      []Case     `xml:"testcase"`
	SystemOut  string     `xml:"system-out,omitempty"`
}

// Property is a <property name value>.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Case is one <testcase>: one assertion.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      float64  `xml:"time,attr"`
	Failure   *Problem `xml:"failure,omitempty"`
	Error     *Problem `xml:"error,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Problem is a <failure> or <error>: message attribute, type, and text.
type Problem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Build turns runs (a Dataset's Runs) into the document.
func Build(name string, runs []reports.RunInfo) Suites {
	doc := Suites{Name: name, Suites: []Suite{}}
	for _, r := range runs {
		s := suite(r)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Time += s.Time
		doc.Suites = append(doc.Suites, s)
	}
	return doc
}

func suite(r reports.RunInfo) Suite {
	name := cmpOr(r.Shard, r.Name, "roombot run")
	s := Suite{Name: name, Cases: []Case{}}
	if !r.Started.IsZero() {
		s.Timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
		if r.Ended.After(r.Started) {
			s.Time = seconds(r.Ended.Sub(r.Started))
		}
	}
	for _, p := range []Property{
		{"scenario", r.Scenario}, {"target", r.Target}, {"seed", fmt.Sprint(r.Seed)}, {"shard", r.Shard},
		{"interrupted", fmt.Sprint(r.Interrupted)}, {"generator.overloaded", fmt.Sprint(r.Health.Overloaded)},
	} {
		if p.Value != "" {
			s.Properties = append(s.Properties, p)
		}
	}
	class := "roombot." + cmpOr(r.Name, "run")
	for _, c := range r.Checks {
		tc := Case{Name: cmpOr(c.Name, c.Expr), Classname: class, SystemOut: detail(c)}
		if !c.Passed {
			tc.Failure = &Problem{Message: failureMessage(c), Type: "AssertionFailed", Text: detail(c)}
			s.Failures++
		}
		s.Cases = append(s.Cases, tc)
	}
	if e := runProblem(r); e != nil {
		s.Cases = append(s.Cases, Case{Name: "run", Classname: class, Error: e})
		s.Errors++
	}
	if r.Health.Overloaded {
		tc := Case{Name: "generator", Classname: class, SystemOut: strings.Join(r.Health.Notes, "\n")}
		if !r.OverloadAccepted {
			tc.Error = &Problem{Message: "inconclusive: the load generator was overloaded, the figures may describe roombot rather than the server",
				Type: "GeneratorOverloaded", Text: strings.Join(r.Health.Notes, "\n")}
			s.Errors++
		}
		s.Cases = append(s.Cases, tc)
	}
	s.Tests = len(s.Cases)
	if r.Health.Overloaded {
		s.SystemOut = "generator overloaded: the figures may describe roombot rather than the server\n" + strings.Join(r.Health.Notes, "\n")
	}
	return s
}

// runProblem is the <error> of a run that could not be carried out, was
// interrupted, or never finished (nil for a run that reached its end).
func runProblem(r reports.RunInfo) *Problem {
	switch {
	case r.Error != "":
		return &Problem{Message: "the run could not be carried out: " + r.Error, Type: "RunError", Text: r.Error}
	case r.Interrupted:
		return &Problem{Message: "the run was interrupted (SIGINT/SIGTERM) before its end: its assertions cover part of it",
			Type: "RunInterrupted", Text: "interrupted after " + fmt.Sprint(r.Ended.Sub(r.Started).Round(time.Millisecond))}
	case r.Incomplete:
		return &Problem{Message: "the run did not finish (no run.json: killed?): nothing was asserted", Type: "RunIncomplete"}
	}
	return nil
}

// failureMessage is the Check's own message (expected vs measured), or one
// built from its fields when the producer left it empty.
func failureMessage(c reports.Check) string {
	if c.Message != "" {
		return c.Message
	}
	return fmt.Sprintf("expected %s, measured %g%s", cmpOr(c.Expr, c.Name), c.Observed, c.Unit)
}

// detail lists the Check's fields for humans reading the CI log.
func detail(c reports.Check) string {
	var b strings.Builder
	fmt.Fprintf(&b, "expr: %s\nobserved: %g%s\n", c.Expr, c.Observed, c.Unit)
	for _, kv := range [][2]string{{"metric", c.Metric}, {"window", c.Window}, {"source", c.Source}, {"message", c.Message}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
		}
	}
	return b.String()
}

// Write encodes doc as indented XML with the XML header.
func Write(w io.Writer, doc Suites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	return nil
}

// Marshal returns doc as the bytes of junit.xml.
func Marshal(doc Suites) ([]byte, error) {
	var b strings.Builder
	if err := Write(&b, doc); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

func seconds(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

func cmpOr(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
