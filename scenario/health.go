package scenario

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// Overload rules: the generator, not the server, is the bottleneck when
// one of these holds. They are deliberately simple so that the report can
// say which one fired.
const (
	// OverloadCPUShare of all cores used by the process, sustained for
	// OverloadCPUSeconds consecutive seconds.
	OverloadCPUShare   = 0.90
	OverloadCPUSeconds = 3
	// OverloadActionLagMs: p99 of how late actions fired.
	OverloadActionLagMs = 10.0
	// OverloadMediaLagMs: p99 of media pacing lag.
	OverloadMediaLagMs = 20.0
)

// health watches the generator itself: process CPU from getrusage each
// second, peak RSS, how late actions fired and the media pacing lag.
type health struct {
	now      func() time.Time
	rs       *runState
	mediaLag func() (p99, max float64) // over the run, for the result
	// mediaLagEvery is the pacing lag since its previous call (p99, max
	// in ms, and the frames measured), taken once a second for the live
	// overload rule and the health events; nil: none.
	mediaLagEvery func() (p99, max float64, frames int64)
	cores         int

	mu          sync.Mutex
	lags        []float64 // ms
	recent      []float64 // lags since the last tick
	cpuSum      float64
	cpuN        int
	cpuMax      float64
	cpuLast     float64
	lagLast     float64
	actionsLast bool // actions fired in the last second (lagLast is theirs)
	hot         int  // consecutive seconds over the CPU rule
	notes       []string
	overload    bool
	overloadWhy string  // when and why overload was first seen
	cpuHot      bool    // the CPU rule held at some point
	loadMax     float64 // highest 1-minute load average seen (Linux)
	psiMax      float64 // highest CPU pressure "some avg10" seen, % (Linux PSI)
	started     time.Time
	cpuAtBase   time.Duration
	ticks       reports.TickSink // nil: none
}

type healthLine struct{ cpu, lagP99 float64 }

func newHealth(now func() time.Time, rs *runState, mediaLag func() (float64, float64)) *health {
	return &health{now: now, rs: rs, mediaLag: mediaLag, cores: runtime.NumCPU(), started: now(), cpuAtBase: cpuTime()}
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func maxRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // KiB on Linux
}

func (h *health) actionLag(d time.Duration) {
	v := ms(d)
	h.mu.Lock()
	h.lags = append(h.lags, v)
	h.recent = append(h.recent, v)
	h.mu.Unlock()
}

// watch samples CPU every second until ctx ends and raises an overload
// event the first time a rule holds during the run.
func (h *health) watch(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastCPU, lastT := cpuTime(), h.now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		c, t := cpuTime(), h.now()
		pct := 100 * float64(c-lastCPU) / float64(t.Sub(lastT))
		lastCPU, lastT = c, t
		h.tick(t, pct)
	}
}

// tick applies the overload rules to the second ending at t, in which the
// process used pct % CPU, and raises the overload event the first time one
// holds: CPU, action lag or media pacing lag (packets sent late make
// receivers' jitter and freezes roombot's own).
func (h *health) tick(t time.Time, pct float64) {
	var mediaP99, mediaMax float64
	var frames int64
	if h.mediaLagEvery != nil {
		mediaP99, mediaMax, frames = h.mediaLagEvery()
	}
	media := frames > 0
	h.mu.Lock()
	h.cpuSum += pct
	h.cpuN++
	h.cpuMax = max(h.cpuMax, pct)
	h.cpuLast = pct
	if l, ok := loadAvg(); ok {
		h.loadMax = max(h.loadMax, l)
	}
	if p, ok := cpuPressure(); ok {
		h.psiMax = max(h.psiMax, p)
	}
	lags := slices.Clone(h.recent) // for the live output
	h.actionsLast = len(h.recent) > 0
	if h.actionsLast {
		slices.Sort(h.recent)
		h.lagLast = summary.Percentile(h.recent, 99)
		h.recent = h.recent[:0]
	}
	var why string
	if pct >= OverloadCPUShare*100*float64(h.cores) {
		h.hot++
		if h.hot >= OverloadCPUSeconds {
			h.cpuHot = true
			why = fmt.Sprintf("process CPU at %.0f%% of %d cores for %d s", pct, h.cores, h.hot)
		}
	} else {
		h.hot = 0
	}
	if media && mediaP99 > OverloadMediaLagMs {
		why = fmt.Sprintf("media packets sent %.1f ms late (pacing lag p99 over the last second, max %.1f ms, limit %.0f ms)",
			mediaP99, mediaMax, OverloadMediaLagMs)
	}
	if h.lagLast > OverloadActionLagMs {
		why = fmt.Sprintf("actions fired %.1f ms late (p99 over the last second, limit %.0f ms)", h.lagLast, OverloadActionLagMs)
	}
	if l, ok := loadAvg(); ok && why != "" {
		why += fmt.Sprintf(" (machine load average %.1f on %d cores, roombot at %.0f%%)", l, h.cores, pct)
	}
	first := why != "" && !h.overload
	if first {
		h.overload = true
		h.overloadWhy = fmt.Sprintf("at %.0fs: %s", t.Sub(h.started).Seconds(), why)
	}
	actionLag, actions, overloaded := h.lagLast, h.actionsLast, h.overload
	h.mu.Unlock()
	if h.ticks != nil {
		h.ticks.WriteTick(reports.Tick{Time: t, CPUPct: pct, Cores: h.cores, ActionLagsMs: lags,
			MediaLagP99Ms: mediaP99, MediaLagMaxMs: mediaMax, Overloaded: overloaded})
	}
	// The second's health, for the report's chart over time.
	h.rs.event(reports.Event{Time: t, Kind: reports.KindHealth, Event: reports.EvHealthCPU, Value: pct})
	if actions {
		h.rs.event(reports.Event{Time: t, Kind: reports.KindHealth, Event: reports.EvHealthActionLag, Value: actionLag})
	}
	if media {
		h.rs.event(reports.Event{Time: t, Kind: reports.KindHealth, Event: reports.EvHealthMediaLag, Value: mediaP99})
	}
	if first {
		h.rs.event(reports.Event{Time: t, Kind: reports.KindRun, Event: reports.EvOverload,
			Message: fmt.Sprintf("at %.0fs: %s; measurements from here on describe roombot as much as the server", t.Sub(h.started).Seconds(), why),
			Value:   pct})
	}
}

func (h *health) line() healthLine {
	h.mu.Lock()
	defer h.mu.Unlock()
	return healthLine{cpu: h.cpuLast, lagP99: h.lagLast}
}

// result computes the run's Health and its notes in words.
func (h *health) result(end time.Time) reports.Health {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := reports.Health{Cores: h.cores, MaxRSSMB: maxRSSMB(), CPUPctMax: h.cpuMax}
	if wall := end.Sub(h.started); wall > 0 {
		out.CPUPctAvg = 100 * float64(cpuTime()-h.cpuAtBase) / float64(wall)
	}
	if len(h.lags) > 0 {
		s := slices.Clone(h.lags)
		slices.Sort(s)
		out.ActionLagP99Ms, out.ActionLagMaxMs = summary.Percentile(s, 99), s[len(s)-1]
	}
	if h.mediaLag != nil {
		out.MediaLagP99Ms, out.MediaLagMaxMs = h.mediaLag()
	}
	var notes []string
	if h.cpuHot {
		notes = append(notes, fmt.Sprintf("CPU: the process used up to %.0f%% (of %d cores = %d%%; average %.0f%%): the generator was saturated at times",
			out.CPUPctMax, h.cores, 100*h.cores, out.CPUPctAvg))
	}
	if out.ActionLagP99Ms > OverloadActionLagMs {
		notes = append(notes, fmt.Sprintf("timing: actions fired late, p99 %.1f ms and max %.1f ms (limit p99 %.0f ms): the timeline was not kept precisely",
			out.ActionLagP99Ms, out.ActionLagMaxMs, OverloadActionLagMs))
	}
	if out.MediaLagP99Ms > OverloadMediaLagMs {
		notes = append(notes, fmt.Sprintf("media: packets were sent late, pacing lag p99 %.1f ms and max %.1f ms (limit p99 %.0f ms): receivers' jitter and freezes partly come from roombot",
			out.MediaLagP99Ms, out.MediaLagMaxMs, OverloadMediaLagMs))
	}
	if h.overload && len(notes) == 0 {
		// Only a passing overload (one second's lag or a CPU spell): say
		// when and what, so that the verdict below is not a bare claim.
		notes = append(notes, "briefly overloaded "+h.overloadWhy+"; the run's overall figures stayed within the limits")
	}
	out.Overloaded = len(notes) > 0 || h.overload
	busy := (h.loadMax > busyLoadFactor*float64(h.cores) || h.psiMax >= busyPressurePct) &&
		out.CPUPctAvg < OverloadCPUShare*100*float64(h.cores)/2
	switch {
	case out.Overloaded && busy:
		notes = append(notes, fmt.Sprintf("the machine was busy with other processes: load average up to %.1f on %d cores and CPU pressure up to %.0f%% (share of time runnable tasks waited for a CPU) while roombot itself used %.0f%% on average; the lag comes from competing for the CPU, so rerun on a quiet machine before blaming the service",
			h.loadMax, h.cores, h.psiMax, out.CPUPctAvg))
	case out.Overloaded:
		notes = append(notes, "the generator was the bottleneck: run fewer bots per machine or split the run across machines")
	}
	out.Notes = notes
	return out
}

// busyLoadFactor: a 1-minute load average above this many runnable
// threads per core means other processes competed with roombot.
const busyLoadFactor = 1.5

// busyPressurePct: CPU pressure (PSI "some avg10") at or above this means
// runnable tasks often waited for a CPU.
const busyPressurePct = 50

// cpuPressure reads the CPU pressure "some avg10" (Linux PSI), in %.
func cpuPressure() (float64, bool) {
	b, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return 0, false
	}
	for _, f := range strings.Fields(string(b)) {
		if v, ok := strings.CutPrefix(f, "avg10="); ok {
			p, err := strconv.ParseFloat(v, 64)
			return p, err == nil
		}
	}
	return 0, false
}

// loadAvg reads the 1-minute load average (Linux /proc/loadavg).
func loadAvg() (float64, bool) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	return v, err == nil
}
