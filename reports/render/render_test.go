package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// record streams a run of bots through a real Dir: bot i of the run has
// join time base+i ms, RTT base+i+s ms at second s; the last bot fails.
func record(t *testing.T, dir string, bots, secs int, base float64) {
	t.Helper()
	w, err := reports.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	for b := range bots {
		user, room := fmt.Sprintf("u%d", b+1), fmt.Sprint(1001+b/3)
		at := t0.Add(time.Duration(b) * 100 * time.Millisecond)
		if b == bots-1 {
			w.WriteEvent(reports.Event{Time: at, User: user, Room: room, Kind: reports.KindRoom, Event: reports.EvEnterFailed, Code: -100018, Value: 30})
			continue
		}
		w.WriteEvent(reports.Event{Time: at, User: user, Room: room, Kind: reports.KindRoom, Event: reports.EvEntered, Code: 1018, Value: base + float64(b)})
		w.WriteEvent(reports.Event{Time: at.Add(time.Second), User: user, Room: room, Kind: reports.KindMedia, Event: reports.EvFirstFrame, Remote: "u1", Track: "video", Value: 2*base + float64(b)})
		for s := 1; s <= secs; s++ {
			rtt := base + float64(b+s)
			w.WriteSample(reports.Sample{Time: t0.Add(time.Duration(s) * time.Second), User: user, Room: room, Interval: 1,
				TxKbps: base * 10, RxKbps: float64(s * 100), RxPackets: 100, RxLost: int64(s % 2), RxLossPct: float64(s % 2), RTTMs: &rtt, Freezes: s % 3 / 2})
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func info(name string, base float64) reports.RunInfo {
	return reports.RunInfo{Name: name, Target: "embedded", Started: t0, Ended: t0.Add(10 * time.Second),
		Health: reports.Health{CPUPctMax: base, Cores: 2},
		Checks: []reports.Check{{Name: "join", Expr: "p(95) < 300ms", Passed: base < 100, Observed: base, Unit: "ms", Message: fmt.Sprintf("expected p(95) < 300ms, measured %gms", base)}}}
}

func TestFinishAndRender(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	record(t, dir, 7, 10, 50)
	s, err := Finish(dir, info("smoke", 50))
	if err != nil {
		t.Fatal(err)
	}
	if s.Joins.Attempts != 7 || s.Joins.Entered != 6 || s.Stats.Samples != 60 || s.Checks.Passed != 1 {
		t.Fatalf("summary: joins %+v samples %d checks %+v", s.Joins, s.Stats.Samples, s.Checks)
	}
	read := func() map[string][]byte {
		m := map[string][]byte{}
		for _, f := range []string{reports.RunFile, reports.SummaryFile, reports.JUnitFile, reports.HTMLFile} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			m[f] = b
		}
		return m
	}
	first := read()
	var js summary.Summary
	if err := json.Unmarshal(first[reports.SummaryFile], &js); err != nil || js.Joins.Entered != 6 {
		t.Fatalf("summary.json: %v %+v", err, js.Joins)
	}
	var x struct {
		Tests int `xml:"tests,attr"`
	}
	if err := xml.Unmarshal(first[reports.JUnitFile], &x); err != nil || x.Tests != 1 {
		t.Fatalf("junit.xml: %v tests=%d", err, x.Tests)
	}
	if !bytes.Contains(first[reports.HTMLFile], []byte("roombot report: smoke")) {
		t.Fatal("report.html lacks the run name")
	}
	// Write from the loaded dataset gives the same bytes
	d, err := reports.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, d); err != nil {
		t.Fatal(err)
	}
	for f, b := range read() {
		if !bytes.Equal(b, first[f]) {
			t.Errorf("%s differs after Write", f)
		}
	}
	// re-rendering from the files gives the same bytes
	if _, err := Render(dir); err != nil {
		t.Fatal(err)
	}
	for f, b := range read() {
		if !bytes.Equal(b, first[f]) {
			t.Errorf("%s changed on re-render", f)
		}
	}
}

func TestRenderKilledRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	record(t, dir, 4, 3, 10)
	f, err := os.OpenFile(filepath.Join(dir, reports.StatsFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"ts":"2026-11-26T09:00:09Z","user":"u1","kind":"sta`) // killed mid-line
	f.Close()
	s, err := Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(s.Notes, "\n")
	if !strings.Contains(notes, "run.json is missing") || !strings.Contains(notes, "truncated last line") {
		t.Fatalf("notes = %s", notes)
	}
	if s.Stats.Samples != 9 {
		t.Fatalf("samples = %d, want 9", s.Stats.Samples)
	}
}

func TestMergeErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Merge(dir); !errors.Is(err, ErrMergeInput) {
		t.Fatalf("no inputs: %v", err)
	}
	record(t, dir, 2, 1, 10)
	if _, err := Merge(dir, dir); !errors.Is(err, ErrMergeInput) {
		t.Fatalf("out is input: %v", err)
	}
	if _, err := Merge(t.TempDir(), filepath.Join(dir, "nope")); !errors.Is(err, reports.ErrNoStreams) {
		t.Fatalf("missing input: %v", err)
	}
}
