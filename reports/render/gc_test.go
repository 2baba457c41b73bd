package render

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/roombot/roombot/reports"
)

// TestReportMemoryLimit: a small run gets the floor; a run ten times the
// benchmark's (a sparse 25 GB stats.jsonl) gets room in proportion to its
// estimated live heap, never a limit below it; a zstd stream counts as
// its plain size.
func TestReportMemoryLimit(t *testing.T) {
	small := t.TempDir()
	if err := os.WriteFile(filepath.Join(small, reports.StatsFile), make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if l, _ := ReportMemoryLimit(small); l != ReportMemoryFloor {
		t.Errorf("small run: limit %d, want the floor %d", l, ReportMemoryFloor)
	}
	big := t.TempDir()
	f, err := os.Create(filepath.Join(big, reports.StatsFile))
	if err != nil {
		t.Fatal(err)
	}
	const size = 25 << 30
	if err := f.Truncate(size); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	l, est := ReportMemoryLimit(big)
	if est < size/liveDivisor || l < int64(ReportMemoryFactor*float64(est)) || l <= ReportMemoryFloor {
		t.Errorf("25 GB stream: estimate %d MiB, limit %d MiB; want estimate ≥ %d MiB and limit ≥ %.1f × estimate", est>>20, l>>20, int64(size/liveDivisor)>>20, ReportMemoryFactor)
	}
	z := t.TempDir()
	if err := os.WriteFile(filepath.Join(z, reports.StatsFileZstd), make([]byte, 100<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, est := ReportMemoryLimit(z); est != liveBase+(100<<20)*zstdRatio/liveDivisor {
		t.Errorf("zstd stream: estimate %d, want %d", est, liveBase+(100<<20)*zstdRatio/liveDivisor)
	}
	if _, est := ReportMemoryLimit(small, big); est != liveBase+(size+1<<20)/liveDivisor {
		t.Errorf("merge of two: estimate %d, want both streams counted", est)
	}
}

// TestApplyReportGC: the plan is set and put back; GOGC or GOMEMLIMIT in the
// environment leaves the collector alone.
func TestApplyReportGC(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	plan, restore := ApplyReportGC(t.TempDir())
	if plan.FromEnv || plan.Limit != ReportMemoryFloor {
		t.Fatalf("plan %+v, want the floor from no environment", plan)
	}
	if got := debug.SetMemoryLimit(-1); got != ReportMemoryFloor {
		t.Errorf("memory limit in force %d, want %d", got, ReportMemoryFloor)
	}
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GC percent in force %d, want -1 (off)", p)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("memory limit after restore %d, want %d", got, before)
	}
	t.Setenv("GOGC", "100")
	plan, restore = ApplyReportGC(t.TempDir())
	defer restore()
	if !plan.FromEnv || debug.SetMemoryLimit(-1) != before {
		t.Errorf("with GOGC set: plan %+v, the limit must stay %d", plan, before)
	}
}
