package reports

import "time"

// RunInfo describes one run: what was played, against what, and how the
// generator itself fared. It is written as run.json in the run directory.
type RunInfo struct {
	Name     string    `json:"name"`
	Scenario string    `json:"scenario,omitempty"` // path of the scenario file
	Target   string    `json:"target"`             // "embedded" or the server URL
	Seed     int64     `json:"seed"`
	Started  time.Time `json:"started"`
	Ended    time.Time `json:"ended"`
	Shard    string    `json:"shard,omitempty"` // machine or shard name when merged
	// Interrupted is true when the run was stopped by a signal before its end.
	Interrupted bool `json:"interrupted,omitempty"`
	// Incomplete is true when the run directory has no run.json: the run
	// was killed before its end (set by Load, never by a finished run).
	Incomplete bool `json:"incomplete,omitempty"`
	// OverloadAccepted is true when the run was told (roombot run
	// --accept-overload) that an overloaded generator does not make it
	// inconclusive.
	OverloadAccepted bool    `json:"overload_accepted,omitempty"`
	Error            string  `json:"error,omitempty"` // why the run could not be carried out
	Health           Health  `json:"health"`
	Checks           []Check `json:"checks,omitempty"`
	// Groups are the scenario's groups and their userIDs, for per-group
	// figures in the summary and the report.
	Groups map[string][]string `json:"groups,omitempty"`
	// Shards are the runs a merged run was made of, each with its own
	// Health and Checks; empty for a single run.
	Shards []RunInfo `json:"shards,omitempty"`
	// Part and Start describe a shard of a split scenario (shard.go).
	Part  *Part  `json:"part,omitempty"`
	Start *Start `json:"start,omitempty"`
}

// Health is the load generator's own state during a run: if it was the
// bottleneck, the measurements describe roombot rather than the server.
type Health struct {
	CPUPctAvg      float64  `json:"cpu_pct_avg"` // process CPU, % of one core
	CPUPctMax      float64  `json:"cpu_pct_max"`
	Cores          int      `json:"cores"`
	MediaLagP99Ms  float64  `json:"media_lag_p99_ms"` // media pacing lag
	MediaLagMaxMs  float64  `json:"media_lag_max_ms"`
	ActionLagP99Ms float64  `json:"action_lag_p99_ms"` // timeline actions: fired - scheduled
	ActionLagMaxMs float64  `json:"action_lag_max_ms"`
	MaxRSSMB       float64  `json:"max_rss_mb"`
	Overloaded     bool     `json:"overloaded"`
	Notes          []string `json:"notes,omitempty"` // in words, when overloaded
}

// Check is the result of one assertion.
type Check struct {
	Name     string  `json:"name"`
	Expr     string  `json:"expr"`             // as written, e.g. "p(95) < 300ms"
	Metric   string  `json:"metric,omitempty"` // e.g. "join_time"
	Window   string  `json:"window,omitempty"` // e.g. "mark:a..mark:b"
	Passed   bool    `json:"passed"`
	Observed float64 `json:"observed"`
	Unit     string  `json:"unit,omitempty"`
	Message  string  `json:"message"`          // what was expected and what was measured
	Source   string  `json:"source,omitempty"` // file:line of the assertion
}
