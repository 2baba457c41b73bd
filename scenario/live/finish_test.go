package live

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/render"
	"github.com/roombot/roombot/scenario"
)

// TestFinishDoesNotReread plays a short scenario with real bots on the
// embedded service and moves events.jsonl and stats.jsonl out of the run
// directory before the run's end writes its reports: the end renders and
// judges from what it aggregated while running, so it succeeds (reading the
// directory back would fail: no streams). With the files back, `roombot
// report` of the directory (read once from disk) writes the same
// summary.json, junit.xml and report.html, and re-judging gives the same
// checks. The same with stats.jsonl compressed (Options.Zstd).
func TestFinishDoesNotReread(t *testing.T) {
	for _, zstd := range []bool{false, true} {
		t.Run(fmt.Sprintf("zstd=%v", zstd), func(t *testing.T) { finishDoesNotReread(t, zstd) })
	}
}

func finishDoesNotReread(t *testing.T, zstd bool) {
	c, err := scenario.Parse("e2e.yaml", []byte(e2eScenario))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "run")
	away := t.TempDir()
	if k := os.Getenv("ROOMBOT_KEEP_RUN"); k != "" {
		away = k
	}
	streams := []string{reports.EventsFile, reports.StatsFile}
	if zstd {
		streams[1] = reports.StatsFileZstd
	}
	move := func(from, to string) {
		for _, f := range streams {
			if err := os.Rename(filepath.Join(from, f), filepath.Join(to, f)); err != nil {
				t.Fatal(err)
			}
		}
	}
	beforeFinish = func(dir string) { move(dir, away) }
	defer func() { beforeFinish = nil }()
	o, err := Run(context.Background(), c, Options{Out: out, Zstd: zstd})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reports.Read(out, reports.Discard); err == nil {
		t.Fatal("the run directory still has its streams: the test proves nothing")
	}
	if o.Summary.Run.StatsLines == 0 || o.Summary.Joins.Entered == 0 || len(o.Info.Checks) != 3 {
		t.Fatalf("the run end aggregated %d stats lines, %d enters, %d checks", o.Summary.Run.StatsLines, o.Summary.Joins.Entered, len(o.Info.Checks))
	}
	files := []string{reports.RunFile, reports.SummaryFile, reports.JUnitFile, reports.HTMLFile}
	read := func() map[string][]byte {
		m := map[string][]byte{}
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(out, f))
			if err != nil {
				t.Fatal(err)
			}
			m[f] = b
		}
		return m
	}
	live := read()
	move(away, out)
	if _, err := render.Render(out); err != nil {
		t.Fatal(err)
	}
	for f, b := range read() {
		if !bytes.Equal(b, live[f]) {
			os.WriteFile(filepath.Join(away, "live-"+f), live[f], 0o644)
			os.WriteFile(filepath.Join(away, "reread-"+f), b, 0o644)
			t.Errorf("%s: the run end's and a reread's differ (kept in %s)", f, away)
		}
	}
	re, err := Reevaluate(c, out)
	if err != nil {
		t.Fatal(err)
	}
	for i, ch := range re.Info.Checks {
		if ch != o.Info.Checks[i] {
			t.Errorf("check %d: live %+v, reread %+v", i, o.Info.Checks[i], ch)
		}
	}
}
