package render

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/synth"
	"github.com/roombot/roombot/scenario"
)

// TestStreamingMatchesLoaded: what the streaming path writes (the run
// directory read once into an Acc, no Sample kept; the assertions over its
// Columns) is byte for byte what the loaded path wrote before it was
// removed: the goldens in testdata/streaming/golden were written by
// `roombot report DIR` and `roombot report --scenario FILE DIR` built from
// b3195d4, where every consumer read a reports.Load Dataset (the synth30
// goldens again from b3195d4 when synth's lines took the stream's
// 3-decimal precision, reports.Sample.Rounded). Two run
// directories: a real ci-smoke run (10 bots on the embedded service, 30 s,
// recorded 2026-12-02 on a loaded machine, so two of its assertions failed)
// and a synthetic one (30 bots × 40 s in rooms of six) judged by a scenario
// with every assertion metric and aggregate.
func TestStreamingMatchesLoaded(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, scenario string
		dir            func(t *testing.T, dir string)
	}{
		{"smoke", "../../fixtures/scenarios/ci-smoke.yaml", func(t *testing.T, dir string) {
			for _, f := range []string{reports.EventsFile, reports.StatsFile} {
				writeFile(t, filepath.Join(dir, f), gunzip(t, filepath.Join("testdata", "streaming", "smoke", f+".gz")))
			}
			b, err := os.ReadFile(filepath.Join("testdata", "streaming", "smoke", reports.RunFile))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, reports.RunFile), b)
		}},
		{"synth30", "testdata/streaming/synth-metrics.yaml", func(t *testing.T, dir string) {
			if err := synth.Write(dir, synth.Run{Bots: 30, Seconds: 40, RoomSize: 6, Seed: 7}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			c.dir(t, dir)
			if _, err := Render(dir); err != nil {
				t.Fatal(err)
			}
			sameAsGolden(t, dir, c.name, reports.SummaryFile, reports.JUnitFile, reports.HTMLFile)

			// assertions judged again over the streamed columns, as
			// `roombot report --scenario` does
			cfg, err := scenario.Load(c.scenario)
			if err != nil {
				t.Fatal(err)
			}
			a, h, err := ReadAcc(dir)
			if err != nil {
				t.Fatal(err)
			}
			h.Info.Checks = scenario.EvaluateColumns(cfg, h.Info, a.Columns)
			if len(h.Info.Checks) == 0 {
				t.Fatal("no checks evaluated")
			}
			if _, err := FinishAcc(dir, h.Info, h.Notes, a); err != nil {
				t.Fatal(err)
			}
			sameAsGolden(t, dir, c.name+"-reassert", reports.RunFile, reports.SummaryFile, reports.JUnitFile, reports.HTMLFile)
		})
	}
}

// sameAsGolden compares dir's files with testdata/streaming/golden/name.
func sameAsGolden(t *testing.T, dir, name string, files ...string) {
	t.Helper()
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		want := gunzip(t, filepath.Join("testdata", "streaming", "golden", name, f+".gz"))
		if !bytes.Equal(got, want) {
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			t.Errorf("%s/%s differs from the loaded path's at byte %d of %d (want %d): …%s…", name, f, i, len(got), len(want),
				got[max(0, i-80):min(len(got), i+80)])
		}
	}
}

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
