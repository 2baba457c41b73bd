// Package rx analyses received media per remote track without decoding it:
// packets, bytes, loss from sequence numbers, jitter, frames assembled from RTP
// timestamp and marker bit, first-frame time, frame rate, freezes by the W3C
// rule, end-to-end latency from the abs-capture-time header extension, audio
// level from ssrc-audio-level, and which fixture camera a video shows
// (keyframe fingerprints, see media.KeyframeFingerprint).
//
// The bot's read loop calls Analyzer.Packet for every packet with its arrival
// time; the stats loop calls Snapshot once per interval. Packet does not
// allocate.
//
// Vocabulary:
//
//	expected   highest extended sequence number − first + 1 (RFC 3550 A.3)
//	lost       expected − received distinct packets (duplicates are not
//	           counted twice; a late packet within the window repairs a loss)
//	frame      the packets of one RTP timestamp; complete at its marker bit,
//	           or ended by a packet of a newer timestamp
//	freeze     an interval between two frames ≥ max(3·m, m + 150 ms), m the
//	           mean of the last 30 frame intervals (W3C webrtc-stats
//	           freezeCount); counted when the late frame arrives
//	latency    frame completion time − its abs-capture-time (sender and
//	           receiver share the machine clock)
//	jitter     RFC 3550 interarrival jitter (§6.4.1, A.8) over original
//	           packets: those that advance the highest sequence number
//	           (a retransmission or reordered packet is left out)
package rx
