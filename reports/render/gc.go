package render

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/roombot/roombot/reports"
)

// Memory plan of a report (roombot report, report --merge). A report holds
// its exact values (reports.Columns, ~150 B per bot-second) and the
// drill-down's tracks while it decodes gigabytes of lines that are garbage
// at once. With Go's default GC target the collector runs at every
// doubling of a small heap and again and again while the columns grow:
// on 1,000 bots × 600 s it was a quarter of the CPU. A report knows its
// size up front, so it turns proportional collection off and gives the
// collector a soft memory limit instead (Go's GOGC=off + GOMEMLIMIT):
// collections come only as the heap nears the limit.
//
// The limit is ReportMemoryFloor or ReportMemoryFactor × the live heap
// estimated from the streams' sizes, whichever is larger, so that a run
// far larger than the benchmark's gets room in proportion instead of a
// collector that runs without pause at a limit below its live heap.
// GOGC or GOMEMLIMIT in the environment wins and nothing is changed.
const (
	// ReportMemoryFloor is the smallest soft memory limit a report sets:
	// 384 MiB keeps 1,000 bots × 600 s under 500 MB of RSS (README).
	ReportMemoryFloor int64 = 384 << 20
	// ReportMemoryFactor is the limit's headroom over the estimated live heap.
	ReportMemoryFactor = 2.0
	// liveBase is the estimated live heap of any report (the drill-down's
	// 200 bots' tracks, summary and HTML state), liveDivisor the stats
	// stream's plain bytes per live byte of Columns (4,252 B per bot-second
	// on the synthetic run, ~150 B held), zstdRatio the compression of a
	// stats.jsonl.zst (measured 4.0×, taken as 5 to err on more room).
	liveBase    = 96 << 20
	liveDivisor = 28
	zstdRatio   = 5
)

// GCPlan is what ApplyReportGC decided.
type GCPlan struct {
	FromEnv  bool  // GOGC or GOMEMLIMIT was set: nothing changed
	Limit    int64 // the soft memory limit set, in bytes
	Estimate int64 // the estimated live heap it was derived from
}

// ReportMemoryLimit is the soft memory limit for reporting the run
// directories dirs: their stats streams' sizes give the live estimate.
func ReportMemoryLimit(dirs ...string) (limit, estimate int64) {
	plain := int64(0)
	for _, d := range dirs {
		if st, err := os.Stat(filepath.Join(d, reports.StatsFile)); err == nil {
			plain += st.Size()
		} else if st, err := os.Stat(filepath.Join(d, reports.StatsFileZstd)); err == nil {
			plain += st.Size() * zstdRatio
		}
	}
	estimate = liveBase + plain/liveDivisor
	limit = max(ReportMemoryFloor, int64(math.Ceil(ReportMemoryFactor*float64(estimate))))
	return limit, estimate
}

// ApplyReportGC sets the report's memory plan for dirs unless the
// environment has GOGC or GOMEMLIMIT, and returns it with a function that
// puts the collector back as it was.
func ApplyReportGC(dirs ...string) (GCPlan, func()) {
	_, gogc := os.LookupEnv("GOGC")
	_, memlimit := os.LookupEnv("GOMEMLIMIT")
	if gogc || memlimit {
		return GCPlan{FromEnv: true}, func() {}
	}
	limit, est := ReportMemoryLimit(dirs...)
	oldLimit := debug.SetMemoryLimit(limit)
	oldPercent := debug.SetGCPercent(-1)
	return GCPlan{Limit: limit, Estimate: est}, func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}
