package reports

import (
	"time"
)

// Kind classifies Events and lines of a run's streams.
type Kind string

// Kinds. Each JSON line of events.jsonl and stats.jsonl carries one.
const (
	KindRoom   Kind = "room"   // room events: codes 1018…1034, kicks, errors
	KindIM     Kind = "im"     // IM events: login_event, join_group_event, messages
	KindMedia  Kind = "media"  // first frame, freeze start/end, camera source seen
	KindAction Kind = "action" // an action the runner or user took (mute, switch camera…)
	KindRun    Kind = "run"    // marks, run start/end, generator warnings
	KindStats  Kind = "stats"  // a Sample
	// KindHealth: the generator's own health, once a second (EvHealthCPU,
	// EvHealthActionLag, EvHealthMediaLag).
	KindHealth Kind = "health"
)

// Event is one thing that happened to one bot (or to the run).
//
// Code is the reference's code where one applies (1018, -100018, …); zero
// means none. Tag is the component's tag where it has one ("error" for the
// component's own negative codes, or the IM event name such as
// "login_event"). Value carries the event's measurement where it has one,
// in the unit its Event name documents (docs/events.md), e.g. first_frame
// and freeze_end carry milliseconds.
type Event struct {
	Time    time.Time `json:"ts"`
	User    string    `json:"user,omitempty"`
	Room    string    `json:"room,omitempty"`
	Kind    Kind      `json:"kind"`
	Event   string    `json:"event"`
	Tag     string    `json:"tag,omitempty"`
	Code    int       `json:"code,omitempty"`
	Remote  string    `json:"remote,omitempty"`
	Track   string    `json:"track,omitempty"` // "audio" or "video"
	Message string    `json:"msg,omitempty"`
	Value   float64   `json:"value,omitempty"`
	// Shard names the run a line came from when runs are merged
	// (RunInfo.Shard); empty in a single run's streams.
	Shard string `json:"shard,omitempty"`
}

// Sample is one bot's RTC statistics over one interval (normally a second).
// Bot-level figures sum (bitrates, packets) or average (jitter, RTT) the
// Tracks; they are computed once by the producer so that readers need not.
//
// Every figure is measured, never assumed: loss comes from RTP sequence
// numbers and RTCP receiver reports, RTT from RTCP, frames and freezes from
// the received RTP stream. A figure that could not be measured in the
// interval is nil.
type Sample struct {
	Time     time.Time `json:"ts"`
	User     string    `json:"user"`
	Room     string    `json:"room,omitempty"`
	Interval float64   `json:"interval_s"`

	TxKbps    float64 `json:"tx_kbps"`
	RxKbps    float64 `json:"rx_kbps"`
	TxPackets uint64  `json:"tx_packets"`
	RxPackets uint64  `json:"rx_packets"`
	RxLost    int64   `json:"rx_lost"`
	RxLossPct float64 `json:"rx_loss_pct"`
	// RxExpected is the packets the senders sent (from sequence numbers):
	// RxLost's denominator. RxPackets also counts retransmissions, so
	// RxLost/(RxPackets+RxLost) would understate the loss.
	RxExpected uint64 `json:"rx_expected"`
	// RxRepaired is packets that arrived after a later one (NACK
	// retransmissions filling a gap, or reordering).
	RxRepaired uint64 `json:"rx_repaired"`
	// TxRetransmittedPackets and TxRetransmittedKbps are the part of
	// TxPackets and TxKbps that resent packets sent before (NACK repair).
	TxRetransmittedPackets uint64   `json:"tx_retransmitted_packets"`
	TxRetransmittedKbps    float64  `json:"tx_retransmitted_kbps"`
	RTTMs                  *float64 `json:"rtt_ms,omitempty"`
	JitterMs               *float64 `json:"jitter_ms,omitempty"`
	FPS                    float64  `json:"fps"` // received video frames per second, all tracks
	// Undecodable is the received video frames a decoder could not render
	// (sum of the tracks' Undecodable).
	Undecodable uint64 `json:"undecodable,omitempty"`
	// MOS and VideoScore are the means of the received tracks' (nil when
	// no track had one).
	MOS        *float64 `json:"mos,omitempty"`
	VideoScore *float64 `json:"video_score,omitempty"`
	Freezes    int      `json:"freezes"` // freezes that started in the interval
	FreezeMs   float64  `json:"freeze_ms"`
	E2EMs      *float64 `json:"e2e_ms,omitempty"` // mean end-to-end latency
	NACKs      uint64   `json:"nacks"`            // NACKs sent by this bot
	PLIs       uint64   `json:"plis"`             // PLIs sent
	FIRs       uint64   `json:"firs"`             // FIRs sent

	Tracks []TrackSample `json:"tracks,omitempty"`

	// Shard names the run a line came from when runs are merged
	// (RunInfo.Shard); empty in a single run's streams.
	Shard string `json:"shard,omitempty"`
}

// Direction of a track: sent or received.
type Direction string

// Directions.
const (
	Tx Direction = "tx"
	Rx Direction = "rx"
)

// TrackSample is the statistics of one sent or received track over the
// Sample's interval.
type TrackSample struct {
	Dir     Direction `json:"dir"`
	Kind    string    `json:"kind"` // "audio" or "video"
	Remote  string    `json:"remote,omitempty"`
	SSRC    uint32    `json:"ssrc"`
	Kbps    float64   `json:"kbps"`
	Packets uint64    `json:"packets"`
	Lost    int64     `json:"lost"`
	// LossPct is path loss before any repair, nil when not measured in
	// the interval. rx: Lost/Expected from sequence numbers. tx: audio,
	// the receiver report's fraction lost; video, NACKed/sent originals.
	LossPct *float64 `json:"loss_pct,omitempty"`
	// LossAfterRepairPct (tx) is the receiver report's fraction lost:
	// what NACK repair left lost. nil without a new report.
	LossAfterRepairPct *float64 `json:"loss_after_repair_pct,omitempty"`
	Expected           uint64   `json:"expected,omitempty"` // rx: packets sent (sequence numbers)
	// LossBurst (rx) is the mean length of the runs of lost packets in the
	// interval (1 for isolated losses); nil without loss.
	LossBurst *float64 `json:"loss_burst,omitempty"`
	Repaired  uint64   `json:"repaired,omitempty"` // rx: packets that filled a gap
	// RetransmittedPackets / RetransmittedKbps (tx) are the part of
	// Packets / Kbps that were NACK retransmissions; Nacked (tx) the
	// distinct sequence numbers the receiver NACKed.
	RetransmittedPackets uint64   `json:"retransmitted_packets,omitempty"`
	RetransmittedKbps    float64  `json:"retransmitted_kbps,omitempty"`
	Nacked               uint64   `json:"nacked,omitempty"`
	JitterMs             *float64 `json:"jitter_ms,omitempty"`
	RTTMs                *float64 `json:"rtt_ms,omitempty"`
	// Frames (rx video) are frames a decoder could render: complete, with
	// their references intact; Undecodable the frames received that could
	// not be (incomplete after the repair window, or after a lost frame
	// until the next keyframe). docs/media.md, "Decoder model".
	Frames      uint64 `json:"frames,omitempty"`
	Undecodable uint64 `json:"undecodable,omitempty"`
	// MOS (rx audio) is the E-model conversational MOS of the interval
	// (1–4.5); VideoScore (rx video) roombot's 1–5 video score (package
	// media/quality: formulas and constants). nil when not measurable.
	MOS        *float64 `json:"mos,omitempty"`
	VideoScore *float64 `json:"video_score,omitempty"`
	FPS        float64  `json:"fps,omitempty"`
	Freezes    int      `json:"freezes,omitempty"`
	FreezeMs   float64  `json:"freeze_ms,omitempty"`
	E2EMs      *float64 `json:"e2e_ms,omitempty"`
	AudioLevel *float64 `json:"audio_level,omitempty"` // 0 (loudest) … 127 dBov, RFC 6464
	NACKs      uint64   `json:"nacks"`                 // rx: sent; tx: received
	PLIs       uint64   `json:"plis"`
	FIRs       uint64   `json:"firs"`
	Source     string   `json:"source,omitempty"` // rx video: fixture camera recognised ("front", "back")

	// RID (tx video) is the simulcast layer of this stream ("q", "h",
	// "f"); empty for a single-layer track.
	RID string `json:"rid,omitempty"`
	// Width and Height (rx video) are the picture size of the last
	// keyframe received, read from the bitstream (VP8 frame header, H.264
	// SPS): on a simulcast SFU, the layer forwarded, whatever was asked.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
}

// Sink receives a run's events and samples as they happen. Implementations
// must be safe for concurrent use and must not block for long: bots call
// them from their media and signaling paths.
type Sink interface {
	WriteEvent(Event)
	WriteSample(Sample)
}

// SinkFunc adapts a pair of functions to a Sink.
type SinkFunc struct {
	Event  func(Event)
	Sample func(Sample)
}

// WriteEvent calls f.Event if set.
func (f SinkFunc) WriteEvent(e Event) {
	if f.Event != nil {
		f.Event(e)
	}
}

// WriteSample calls f.Sample if set.
func (f SinkFunc) WriteSample(s Sample) {
	if f.Sample != nil {
		f.Sample(s)
	}
}

// Discard is a Sink that drops everything.
var Discard Sink = SinkFunc{}

var _ Sink = SinkFunc{}
