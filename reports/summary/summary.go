package summary

import (
	"time"

	"github.com/roombot/roombot/reports"
)

// Summary is summary.json: everything a reader wants without the streams.
type Summary struct {
	Run    Run           `json:"run"`
	Joins  Joins         `json:"joins"`
	Events Events        `json:"events"`
	Stats  Stats         `json:"stats"`
	Checks Checks        `json:"checks"`
	Health Health        `json:"health"`
	Rooms  []Room        `json:"rooms"`
	Groups []Group       `json:"groups,omitempty"` // the scenario's groups (run.json "groups")
	Users  []User        `json:"users"`
	Notes  []string      `json:"notes,omitempty"` // what the data cannot tell, in words
	Writer WriterSummary `json:"writer"`
}

// Run identifies the run (or the merged runs) summarized.
type Run struct {
	Name        string    `json:"name"`
	Scenario    string    `json:"scenario,omitempty"`
	Target      string    `json:"target,omitempty"`
	Seed        int64     `json:"seed"`
	Started     time.Time `json:"started"`
	Ended       time.Time `json:"ended"`
	DurationS   float64   `json:"duration_s"`
	Interrupted bool      `json:"interrupted,omitempty"`
	Error       string    `json:"error,omitempty"`
	Shards      []string  `json:"shards,omitempty"`
	Users       int       `json:"users"`
	Rooms       int       `json:"rooms"`
	EventLines  int       `json:"event_lines"`
	StatsLines  int       `json:"stats_lines"`
}

// Joins are entering figures: attempts are entered + enter_failed events;
// join time is the entered events' Value and time to first frame the
// first_frame events' Value, both in ms.
type Joins struct {
	Attempts int      `json:"attempts"`
	Entered  int      `json:"entered"`
	Failed   int      `json:"failed"`
	Rate     *float64 `json:"rate"` // entered / attempts; null without attempts
	JoinMs   Dist     `json:"join_time_ms"`
	TTFFMs   Dist     `json:"ttff_ms"`
}

// Events counts events by code and by name.
type Events struct {
	Total  int         `json:"total"`
	Errors int         `json:"errors"` // events IsError says are errors
	ByCode []CodeCount `json:"by_code"`
	ByName []NameCount `json:"by_name"`
}

// CodeCount is how many events carried one code.
type CodeCount struct {
	Code  int    `json:"code"`
	Text  string `json:"text,omitempty"`
	Count int    `json:"count"`
	Error bool   `json:"error"`
}

// NameCount is how many events had one kind and name.
type NameCount struct {
	Kind  reports.Kind `json:"kind"`
	Event string       `json:"event"`
	Count int          `json:"count"`
}

// Stats aggregates Samples: each Dist is over bot-seconds (one value per
// Sample that measured the figure), totals sum the samples.
type Stats struct {
	Samples  int  `json:"samples"`
	TxKbps   Dist `json:"tx_kbps"`
	RxKbps   Dist `json:"rx_kbps"`
	LossPct  Dist `json:"rx_loss_pct"`
	JitterMs Dist `json:"jitter_ms"`
	RTTMs    Dist `json:"rtt_ms"`
	FPS      Dist `json:"fps"`
	E2EMs    Dist `json:"e2e_ms"`
	// MOS and VideoScore are the per bot-second quality scores (package
	// media/quality).
	MOS             Dist  `json:"mos"`
	VideoScore      Dist  `json:"video_score"`
	Freezes         Dist  `json:"freezes_per_sample"`
	FreezeMs        Dist  `json:"freeze_ms_per_sample"`
	FreezeDur       Dist  `json:"freeze_duration_ms"` // freeze_end events' Value
	FreezeN         int   `json:"freezes"`            // freeze_start events (IsFreeze)
	FreezesUnended  int   `json:"freezes_unended"`    // of FreezeN, with no freeze_end (ongoing at the end)
	TxPackets       int64 `json:"tx_packets"`
	RxPackets       int64 `json:"rx_packets"`
	RxLost          int64 `json:"rx_lost"`
	RxExpected      int64 `json:"rx_expected"`              // packets the senders sent (sequence numbers)
	RxRepaired      int64 `json:"rx_repaired"`              // packets that filled a gap (NACK repair)
	TxRetransmitted int64 `json:"tx_retransmitted_packets"` // part of tx_packets
	NACKs           int64 `json:"nacks"`
	PLIs            int64 `json:"plis"`
	// Undecodable is the received video frames a decoder could not render.
	Undecodable int64 `json:"undecodable"`
	FIRs        int64 `json:"firs"`
	// RxLossRate is rx_lost / rx_expected over the run: path loss, a
	// retransmission is not counted as received. null when nothing was
	// expected (or the stream predates rx_expected).
	RxLossRate *float64 `json:"rx_loss_rate_pct"`
}

// Checks are the assertion results of RunInfo.Checks (of every shard when
// merged).
type Checks struct {
	Total  int           `json:"total"`
	Passed int           `json:"passed"`
	Failed int           `json:"failed"`
	List   []CheckResult `json:"list"`
}

// CheckResult is one assertion's result and the shard it was evaluated on.
type CheckResult struct {
	Shard string `json:"shard,omitempty"`
	reports.Check
}

// Health is the generator's health: the run's (for a merged run, the worst
// of the shards': max of each figure, overloaded if any was), with the
// shards' own, and notes that include lines the writer dropped.
type Health struct {
	reports.Health
	Shards []ShardHealth `json:"shards,omitempty"`
	// OverloadedShards names the shards whose generator was overloaded.
	OverloadedShards []string `json:"overloaded_shards,omitempty"`
}

// ShardHealth is one shard's generator health.
type ShardHealth struct {
	Shard string `json:"shard"`
	reports.Health
}

// Room is one room's figures.
type Room struct {
	Room   string `json:"room"`
	Users  int    `json:"users"`
	Joins  Joins  `json:"joins"`
	Errors int    `json:"errors"`
	Stats  Stats  `json:"stats"`
}

// Group is one scenario group's figures: every bot of the group, of every
// shard that ran it.
type Group struct {
	Group  string `json:"group"`
	Users  int    `json:"users"`
	Joins  Joins  `json:"joins"`
	Errors int    `json:"errors"`
	Stats  Stats  `json:"stats"`
}

// User is one bot's figures.
type User struct {
	Shard  string `json:"shard,omitempty"`
	User   string `json:"user"`
	Room   string `json:"room,omitempty"`  // the last room seen
	Group  string `json:"group,omitempty"` // its scenario group
	Joins  Joins  `json:"joins"`
	Errors int    `json:"errors"`
	Stats  Stats  `json:"stats"`
}

// WriterSummary is what the run directory writer lost.
type WriterSummary struct {
	Dropped int      `json:"dropped_lines"`
	Reasons []string `json:"reasons,omitempty"`
}

// IsFreeze reports whether e counts as one video freeze: its freeze_start.
// This is the one definition of "a freeze" that the summary, the report
// and the scenario's freezes assertion all count. Every freeze has one
// freeze_start (raised when the gap is first seen, or at its end for a
// short one); its freeze_end follows when the video resumes, so a freeze
// still ongoing when the bot stopped counts too (as unended).
func IsFreeze(e reports.Event) bool { return e.Event == reports.EvFreezeStart }

// IsError reports whether e is an error worth highlighting: a negative code,
// a failed enter, a component error, a kick or a failed IM send.
func IsError(e reports.Event) bool {
	if e.Code < 0 {
		return true
	}
	switch e.Event {
	case reports.EvEnterFailed, reports.EvError, reports.EvKicked, reports.EvIMSendFailed:
		return true
	}
	return false
}
