package reports

import "time"

// Part says which part of a scenario a run played when the scenario was
// split over shards (roombot run --shard I/N).
type Part struct {
	Index int    `json:"index"` // 0-based, as JOB_COMPLETION_INDEX
	Count int    `json:"count"`
	By    string `json:"by"` // "room" or "user"
	Users int    `json:"users"`
	Rooms int    `json:"rooms"`
}

// MaxStartSpread is how far apart the shards' timelines may begin (by
// one reference clock) for a merged run's windows to line up.
const MaxStartSpread = 50 * time.Millisecond

// Start is how a run's timeline was made to begin at a common instant
// with other runs (--start-at or a barrier), and how this machine's
// clock compared with a shared reference.
type Start struct {
	// Via is "start-at" or "barrier".
	Via string `json:"via,omitempty"`
	// At is the instant the timeline was to begin, by the reference clock
	// when Clock measured it, else by this machine's clock.
	At time.Time `json:"at,omitzero"`
	// LagMs is how late the timeline actually began, by this machine's
	// clock corrected by Clock (negative: early).
	LagMs float64 `json:"lag_ms"`
	// Clock is this machine's clock against the target's.
	Clock *ClockOffset `json:"clock,omitempty"`
}

// ClockOffset is a measured difference between this machine's clock and
// a reference clock (the target service's HTTP Date header).
type ClockOffset struct {
	Ref string `json:"ref"` // what was measured against, e.g. the target's URL
	// OffsetMs is local minus reference: positive when this clock is ahead.
	OffsetMs float64 `json:"offset_ms"`
	// ErrorMs bounds the measurement: the reference's instant is within
	// OffsetMs ± ErrorMs.
	ErrorMs float64 `json:"error_ms"`
	// Error says why no offset could be measured (then OffsetMs is 0 and
	// the local clock was used).
	Error string `json:"error,omitempty"`
}
