package live

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
	"github.com/roombot/roombot/scenario"
)

// The generator-health tests play a scenario against the reference
// service in a child process and measure, outside the health code, what
// its overload rules are about (scenario/health.go, docs/scenario.md):
//
//   - media pacing lag: every RTP packet the bots send is captured on lo
//     with its kernel timestamp (wirecap_test.go); its lag is that time
//     against its stream's schedule, read from the RTP timestamps;
//   - action lag: each action event's start time in events.jsonl minus
//     the run's start plus the plan's time for that action;
//   - CPU: this process's user+sys time, sampled every 100 ms by the test.
//
// Both sides are taken over the same seconds (the health ticks), and the
// test asserts that the run is flagged at the second where the measured
// figures first break a documented limit (± 1 s), never before, and not at
// all when they never do.

// healthCheck is one second of the run seen both ways.
type healthCheck struct {
	at                time.Duration // tick time from the run start
	wireP99, actP99   float64       // measured, ms (NaN: nothing in that second)
	cpuPct            float64       // measured, % of one core
	healthMedia       float64       // what the health events said (NaN: none)
	packets, actions  int
	measuredOverload  string // which measured limit broke beyond the measurement's tolerance, "" none
	nearLimit         string // which measured figure was within the tolerance of its limit, "" none
	flaggedThisSecond bool
}

// healthAgreement is a played run and its per-second comparison.
type healthAgreement struct {
	info     reports.RunInfo
	seconds  []healthCheck
	flagged  int // index of the second the overload event came, -1 none
	measured int // index of the first second a measured limit broke (beyond tolerance), -1 none
	near     int // index of the first second a measured figure came within tolerance of its limit, -1 none
	flagMsg  string
	wireAll  []float64 // every packet's lag, ms, sorted
	actAll   []float64 // every action's lag, ms, sorted
	streams  int       // RTP streams captured
}

func countStreams(pkts []wirePacket) int {
	m := map[uint32]bool{}
	for _, p := range pkts {
		m[p.ssrc] = true
	}
	return len(m)
}

// playMeasured plays src against a child reference service while
// capturing the bots' packets; during (optional) runs beside the run from
// its start and must return when done is closed.
func playMeasured(t *testing.T, src string, during func(done <-chan struct{})) *healthAgreement {
	t.Helper()
	srv := startServeChild(t)
	_, portStr, err := net.SplitHostPort(srv.MediaAddr)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(portStr)
	wc, err := startWireCapture(t, port)
	if errors.Is(err, errNoCapture) {
		t.Skipf("the outside measurement needs root: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	c, err := scenario.Parse("health.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	plan := onChild(t, c, srv)
	cpu := startCPUSampler()
	done := make(chan struct{})
	var bg sync.WaitGroup
	if during != nil {
		bg.Add(1)
		go func() { defer bg.Done(); during(done) }()
	}
	out := filepath.Join(t.TempDir(), "run")
	o, err := Run(context.Background(), c, childOptions(out))
	close(done)
	bg.Wait()
	cpu.stop()
	wc.stop()
	if err != nil {
		t.Fatal(err)
	}
	ds, err := reports.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	pkts := wc.packets()
	a := compareHealth(o.Info, ds.Events, plan, wireLags(pkts), cpu)
	a.streams = countStreams(pkts)
	if len(a.wireAll) == 0 {
		t.Fatal("no RTP packet to the service was captured on lo: nothing to compare")
	}
	return a
}

// compareHealth lines up the run's health ticks with the measurements.
func compareHealth(info reports.RunInfo, evs []reports.Event, plan *scenario.Plan, pkts []wireLag, cpu *cpuSampler) *healthAgreement {
	a := &healthAgreement{info: info, flagged: -1, measured: -1, near: -1}
	start := info.Started
	var ticks []time.Time
	media := map[time.Time]float64{}
	var overloadAt time.Time
	type key struct{ user, name string }
	fired := map[key][]time.Time{}
	for _, e := range evs {
		switch {
		case e.Kind == reports.KindRun && e.Event == reports.EvRunStart:
			start = e.Time
		case e.Kind == reports.KindHealth && e.Event == reports.EvHealthCPU:
			ticks = append(ticks, e.Time)
		case e.Kind == reports.KindHealth && e.Event == reports.EvHealthMediaLag:
			media[e.Time] = e.Value
		case e.Kind == reports.KindRun && e.Event == reports.EvOverload:
			overloadAt, a.flagMsg = e.Time, e.Message
		case e.Kind == reports.KindAction && e.User != "":
			k := key{e.User, e.Event}
			fired[k] = append(fired[k], e.Time)
		}
	}
	// Action lag from the plan: the n-th action of a name for a user is
	// the n-th such event.
	type lagAt struct {
		at  time.Time
		lag float64
	}
	var acts []lagAt
	seen := map[key]int{}
	for _, pa := range plan.Actions {
		k := key{pa.User, pa.Name}
		if pa.User == "" || seen[k] >= len(fired[k]) {
			continue
		}
		f := fired[k][seen[k]]
		seen[k]++
		acts = append(acts, lagAt{f, ms(f.Sub(start.Add(pa.At)))})
		a.actAll = append(a.actAll, ms(f.Sub(start.Add(pa.At))))
	}
	for _, p := range pkts {
		a.wireAll = append(a.wireAll, ms(p.lag))
	}
	slices.Sort(a.wireAll)
	slices.Sort(a.actAll)
	slices.SortFunc(ticks, func(x, y time.Time) int { return x.Compare(y) })
	limitCPU := scenario.OverloadCPUShare * 100 * float64(runtime.NumCPU())
	hot, nearHot := 0, 0
	prev := start
	for i, tk := range ticks {
		s := healthCheck{at: tk.Sub(start), wireP99: math.NaN(), actP99: math.NaN(), healthMedia: math.NaN()}
		if v, ok := media[tk]; ok {
			s.healthMedia = v
		}
		var w, l []float64
		for _, p := range pkts {
			if p.wire.After(prev) && !p.wire.After(tk) {
				w = append(w, ms(p.lag))
			}
		}
		for _, x := range acts {
			if x.at.After(prev) && !x.at.After(tk) {
				l = append(l, x.lag)
			}
		}
		s.packets, s.actions = len(w), len(l)
		if len(w) > 0 {
			slices.Sort(w)
			s.wireP99 = summary.Percentile(w, 99)
		}
		if len(l) > 0 {
			slices.Sort(l)
			s.actP99 = summary.Percentile(l, 99)
		}
		s.cpuPct = cpu.pct(prev, tk)
		if s.cpuPct >= limitCPU {
			hot++
		} else {
			hot = 0
		}
		if s.cpuPct >= limitCPU-cpuTolPct {
			nearHot++
		} else {
			nearHot = 0
		}
		switch {
		case s.wireP99 > scenario.OverloadMediaLagMs+mediaTolMs:
			s.measuredOverload = fmt.Sprintf("media lag on the wire p99 %.1f ms > %.0f ms", s.wireP99, scenario.OverloadMediaLagMs)
		case s.actP99 > scenario.OverloadActionLagMs+actionTolMs:
			s.measuredOverload = fmt.Sprintf("action lag p99 %.1f ms > %.0f ms", s.actP99, scenario.OverloadActionLagMs)
		case hot >= scenario.OverloadCPUSeconds:
			s.measuredOverload = fmt.Sprintf("CPU %.0f%% ≥ %.0f%% for %d s", s.cpuPct, limitCPU, hot)
		}
		switch {
		case s.wireP99 > scenario.OverloadMediaLagMs-mediaTolMs:
			s.nearLimit = fmt.Sprintf("media lag on the wire p99 %.1f ms, limit %.0f ± %.0f ms", s.wireP99, scenario.OverloadMediaLagMs, mediaTolMs)
		case s.actP99 > scenario.OverloadActionLagMs-actionTolMs:
			s.nearLimit = fmt.Sprintf("action lag p99 %.1f ms, limit %.0f ± %.0f ms", s.actP99, scenario.OverloadActionLagMs, actionTolMs)
		case nearHot >= scenario.OverloadCPUSeconds:
			s.nearLimit = fmt.Sprintf("CPU %.0f%%, limit %.0f%% ± %.0f", s.cpuPct, limitCPU, cpuTolPct)
		}
		if s.measuredOverload != "" && a.measured < 0 {
			a.measured = i
		}
		if (s.nearLimit != "" || s.measuredOverload != "") && a.near < 0 {
			a.near = i
		}
		if !overloadAt.IsZero() && tk.Equal(overloadAt) {
			s.flaggedThisSecond = true
			a.flagged = i
		}
		a.seconds = append(a.seconds, s)
		prev = tk
	}
	if !overloadAt.IsZero() && a.flagged < 0 {
		a.flagged = len(ticks) // flagged at a time that is no tick: after the last one
	}
	return a
}

// table is the per-second comparison, for the log.
func (a *healthAgreement) table() string {
	var sb strings.Builder
	sb.WriteString("   t   packets wire-p99  health-media  actions act-p99  cpu%   measured / flagged\n")
	for _, s := range a.seconds {
		flag := ""
		if s.flaggedThisSecond {
			flag = "  <- health: overload"
		}
		fmt.Fprintf(&sb, "%5.1fs %6d %8.1f %12.1f %8d %8.1f %5.0f   %s%s\n", s.at.Seconds(), s.packets, s.wireP99, s.healthMedia,
			s.actions, s.actP99, s.cpuPct, cmpOr(s.measuredOverload, s.nearLimit), flag)
	}
	return sb.String()
}

// The outside measurements' tolerances: a figure within this of its limit
// may fall on either side of it in the health code's own measurement. The
// wire lag includes the send path after the pacing decision (SRTP, the
// interceptors, sendto) and the scheduler's 2 ms coalescing window; the
// action events' times are when the user's worker began, just after the
// scheduler fired; the CPU samples are 100 ms apart.
const (
	mediaTolMs  = 4.0
	actionTolMs = 3.0
	cpuTolPct   = 10.0
)

// assertAgreement: the run is flagged no earlier than a second before a
// measured figure first came within tolerance of its limit, and no later
// than a second after one first broke it beyond tolerance; never, when no
// figure came near; and the run's final verdict follows the whole-run
// measurements.
func (a *healthAgreement) assertAgreement(t *testing.T) {
	t.Helper()
	t.Logf("health vs measured, per second:\n%s", a.table())
	t.Logf("whole run: wire lag p99 %.1f ms over %d packets of %d streams, action lag p99 %.1f ms over %d; health: overloaded %v, media p99 %.1f ms, action p99 %.1f ms; overload event: %q; load %s",
		pct(a.wireAll, 99), len(a.wireAll), a.streams, pct(a.actAll, 99), len(a.actAll),
		a.info.Health.Overloaded, a.info.Health.MediaLagP99Ms, a.info.Health.ActionLagP99Ms, a.flagMsg, loadAvg())
	switch {
	case a.flagged >= 0 && a.near < 0:
		t.Errorf("health flagged overload at second %d (%s), but no measured figure came near its limit in any second", a.flagged, a.flagMsg)
	case a.flagged >= 0 && a.flagged < a.near-1:
		t.Errorf("health flagged overload at second %d, before any measured figure came near its limit (first at second %d: %s)",
			a.flagged, a.near, a.seconds[a.near].nearLimit)
	case a.measured >= 0 && a.flagged < 0:
		t.Errorf("measured overload from second %d (%s), but health never flagged it", a.measured, a.seconds[a.measured].measuredOverload)
	case a.measured >= 0 && a.flagged > a.measured+1:
		t.Errorf("health flagged overload at second %d, measured limits first broke at second %d (%s): want within 1 s",
			a.flagged, a.measured, a.seconds[a.measured].measuredOverload)
	}
	// Second by second, the media rule itself: health's pacing lag over a
	// second is over the limit when the wire's is beyond tolerance, and
	// not when the wire's is within it by the tolerance.
	for _, s := range a.seconds {
		if math.IsNaN(s.wireP99) || math.IsNaN(s.healthMedia) {
			continue
		}
		lim := scenario.OverloadMediaLagMs
		if s.wireP99 > lim+mediaTolMs && s.healthMedia <= lim || s.wireP99 < lim-mediaTolMs && s.healthMedia > lim {
			t.Errorf("at %.1fs health's media lag p99 was %.1f ms and the wire's %.1f ms: they disagree about the %.0f ms limit",
				s.at.Seconds(), s.healthMedia, s.wireP99, lim)
		}
	}
	wire, act := pct(a.wireAll, 99), pct(a.actAll, 99)
	over := wire > scenario.OverloadMediaLagMs+mediaTolMs || act > scenario.OverloadActionLagMs+actionTolMs || a.measured >= 0
	under := wire < scenario.OverloadMediaLagMs-mediaTolMs && !(act > scenario.OverloadActionLagMs-actionTolMs) && a.near < 0
	if over && !a.info.Health.Overloaded || under && a.info.Health.Overloaded {
		t.Errorf("run verdict overloaded=%v, but the whole-run measurements say otherwise (wire p99 %.1f ms, action p99 %.1f ms)",
			a.info.Health.Overloaded, wire, act)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	return summary.Percentile(sorted, p)
}

const healthLight = `name: health-light
duration: 8s
rooms: 2
arrival: {rate: 10}
groups:
  - {name: a, per_room: 2, media: {video: false}}
`

// TestHealthLightNotFlagged: four audio bots leave the generator idle; the
// wire shows no lag and health must not flag it.
func TestHealthLightNotFlagged(t *testing.T) {
	a := playMeasured(t, healthLight, nil)
	a.assertAgreement(t)
	if a.flagged >= 0 || a.info.Health.Overloaded {
		// assertAgreement has checked the flag against the wire. When the
		// wire itself saw packets late (beyond or within tolerance of the
		// limit), the lag was real: something else on the machine (in CI,
		// other packages' tests) held the CPU, and flagging it is right.
		// Only a flag the wire does not support fails here.
		if a.measured >= 0 || a.near >= 0 || busy(a) {
			t.Skipf("health agreed with the wire, and the wire saw the light run's packets late (near the limit from second %d, beyond it from second %d; load %s): the lag was real, not a false flag",
				a.near, a.measured, loadAvg())
		}
		t.Errorf("a light run was flagged overloaded: %q, notes %q", a.flagMsg, a.info.Health.Notes)
	}
}

// busy reports whether the machine had more runnable threads than 1.5 per
// core (the health code's own busy-machine rule).
func busy(a *healthAgreement) bool {
	f := strings.Fields(loadAvg())
	if len(f) == 0 {
		return false
	}
	l, err := strconv.ParseFloat(f[0], 64)
	return err == nil && l > 1.5*float64(runtime.NumCPU())
}

// TestHealthBurnerFlagged overloads the generator on purpose: from 4 s on,
// the process runs on one OS thread (GOMAXPROCS 1) beside eight goroutines
// that only burn CPU, so the pacing scheduler waits for them. The wire must
// show the lag and health must flag it at that second.
func TestHealthBurnerFlagged(t *testing.T) {
	src := strings.Replace(healthLight, "duration: 8s", "duration: 10s", 1)
	t0 := time.Now()
	a := playMeasured(t, src, func(done <-chan struct{}) {
		select {
		case <-done:
			return
		case <-time.After(time.Until(t0.Add(4 * time.Second))):
		}
		prev := runtime.GOMAXPROCS(1)
		defer runtime.GOMAXPROCS(prev)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					if n%1024 == 0 {
						select {
						case <-stop:
							return
						default:
						}
					}
				}
			}()
		}
		select {
		case <-done:
		case <-time.After(time.Until(t0.Add(8 * time.Second))):
		}
		close(stop)
		wg.Wait()
	})
	a.assertAgreement(t)
	if a.measured < 0 || a.flagged < 0 {
		t.Errorf("the burner did not overload the generator (measured from second %d, flagged at %d)", a.measured, a.flagged)
	}
	// The burner's seconds themselves: the wire must show the lag (so the
	// per-second check above compared health's media rule with it).
	burnt := false
	for _, s := range a.seconds {
		burnt = burnt || s.at >= 4*time.Second && s.wireP99 > scenario.OverloadMediaLagMs+mediaTolMs && s.healthMedia > scenario.OverloadMediaLagMs
	}
	if !burnt {
		t.Error("no second after the burner started shows the media lag on the wire and in health")
	}
	if a.flagged >= 0 && a.seconds[min(a.flagged, len(a.seconds)-1)].at < 3*time.Second {
		t.Logf("note: flagged before the burner started, with the wire's agreement (busy machine, load %s)", loadAvg())
	}
}

// TestHealthRamp400 ramps to 400 audio-only bots in rooms of two (joins
// from 5/s to 35/s over 20 s, then 10 s with everyone in): whether this
// machine keeps up is not assumed either way; the health verdict must
// match what the wire and the action timestamps show, second by second.
func TestHealthRamp400(t *testing.T) {
	if testing.Short() {
		t.Skip("ramps to 400 bots for about 40 s")
	}
	a := playMeasured(t, `name: health-ramp400
duration: 30s
rooms: 200
arrival: {shape: ramp, from: 5, rate: 35, over: 20s}
groups:
  - {name: a, per_room: 2, media: {video: false}}
`, nil)
	a.assertAgreement(t)
}
