package reports

import "time"

// Tick is the load generator's own state over the last second, for live
// outputs (the run directory keeps the run's Health instead).
type Tick struct {
	Time time.Time
	// CPUPct is the process's CPU over the second, % of one core.
	CPUPct float64
	Cores  int
	// ActionLagsMs are how late each action fired during the second, ms.
	ActionLagsMs []float64
	// MediaLagP99Ms and MediaLagMaxMs are the media pacing lag over the
	// second (zero when no frame was sent).
	MediaLagP99Ms, MediaLagMaxMs float64
	// Overloaded is true once an overload rule held during the run.
	Overloaded bool
}

// TickSink receives a Tick every second of a run. Like a Sink it must be
// safe for concurrent use and must not block for long.
type TickSink interface {
	WriteTick(Tick)
}
