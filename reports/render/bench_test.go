package render

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/synth"
)

// BenchmarkRender is `roombot report DIR` on synthetic runs in rooms of six
// (12 tracks per sample): time per report, peak RSS of the process while
// rendering (VmHWM after a reset), process CPU (user+sys) per report, and the stream's bytes per bot-second.
// The 1,000 bots × 600 s size (issue 12: ≤ 10 s, ≤ 500 MB) writes about
// 2 GB first and is skipped with -short; SYNTH_DIR=path keeps that run
// directory between invocations (it is generated once per path).
//
//	go test -run '^$' -bench 'BenchmarkRender/bots=1000' -benchtime 1x ./reports/render/
//
// SYNTH_ZSTD=1 renders the same run with its stats as stats.jsonl.zst
// (reports.WithZstd's format; compressed once, kept beside the plain one).
func BenchmarkRender(b *testing.B) {
	for _, r := range []synth.Run{{Bots: 100, Seconds: 60, RoomSize: 6, Seed: 1}, {Bots: 1000, Seconds: 600, RoomSize: 6, Seed: 1}} {
		b.Run(fmt.Sprintf("bots=%d,s=%d", r.Bots, r.Seconds), func(b *testing.B) {
			if r.Bots*r.Seconds > 100_000 && testing.Short() {
				b.Skip("large synthetic run skipped with -short")
			}
			dir, stats := synthDir(b, r), reports.StatsFile
			if os.Getenv("SYNTH_ZSTD") != "" {
				dir, stats = zstdDir(b, dir), reports.StatsFileZstd
			}
			st, err := os.Stat(filepath.Join(dir, stats))
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			plan, restoreGC := ApplyReportGC(dir) // what roombot report does
			defer restoreGC()
			b.Logf("GC plan %+v", plan)
			reset := synth.ResetPeakRSS()
			cpu0 := synth.CPUTime()
			b.ResetTimer()
			var s0 int
			for b.Loop() {
				s, err := Render(dir)
				if err != nil {
					b.Fatal(err)
				}
				s0 = s.Stats.Samples
			}
			b.StopTimer()
			b.ReportMetric((synth.CPUTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			if s0 == 0 || s0 < r.Bots*r.Seconds*9/10 {
				b.Fatalf("report counted %d samples of %d bot-seconds", s0, r.Bots*r.Seconds)
			}
			if reset {
				b.ReportMetric(synth.PeakRSS()/1e6, "peak-MB")
			}
			b.ReportMetric(float64(st.Size())/float64(s0), "stats-B/bot-s")
			b.ReportMetric(float64(st.Size())/1e6, "stats-MB")
		})
	}
}

// zstdDir is a copy of the run directory dir with stats.jsonl compressed
// (made once, beside dir).
func zstdDir(b *testing.B, dir string) string {
	b.Helper()
	out := dir + "-zst"
	if _, err := os.Stat(filepath.Join(out, ".done")); err == nil {
		return out
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		b.Fatal(err)
	}
	for _, f := range []string{reports.RunFile, reports.EventsFile} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, f), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	in, err := os.Open(filepath.Join(dir, reports.StatsFile))
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	f, err := os.Create(filepath.Join(out, reports.StatsFileZstd))
	if err != nil {
		b.Fatal(err)
	}
	z, err := zstd.NewWriter(f, zstd.WithEncoderLevel(zstd.SpeedDefault))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(z, in); err != nil {
		b.Fatal(err)
	}
	if err := errors.Join(z.Close(), f.Close(), os.WriteFile(filepath.Join(out, ".done"), nil, 0o644)); err != nil {
		b.Fatal(err)
	}
	return out
}

// synthDir is a generated run directory for r: under $SYNTH_DIR (kept,
// generated once) or a temporary one.
func synthDir(b *testing.B, r synth.Run) string {
	b.Helper()
	dir := b.TempDir()
	if root := os.Getenv("SYNTH_DIR"); root != "" {
		dir = filepath.Join(root, fmt.Sprintf("synth-%dx%d-room%d-seed%d", r.Bots, r.Seconds, r.RoomSize, r.Seed))
		if _, err := os.Stat(filepath.Join(dir, ".done")); err == nil {
			return dir
		}
	}
	if err := synth.Write(dir, r); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".done"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}
