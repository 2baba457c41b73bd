// Package native is the signaling.Driver for roombot's reference room
// service (package server), speaking the JSON-over-WebSocket protocol of
// package protocol (docs/protocol.md).
//
// One Join opens one WebSocket and one PeerConnection (made with
// JoinParams.NewPeerConnection). The server makes every SDP offer; the
// driver answers, attaching JoinParams.Tracks to the upstream m-lines of the
// first offer, and trickles its ICE candidates. Remote tracks are matched to
// users by stream ID (= userID) and kinds by the track's kind; the track ID
// is "<userID>-<kind>".
//
// Goroutines per session: the reader (WebSocket → events, SDP), the
// dispatcher (events → Handler, in order), the heartbeat, and one RTCP
// drain per RTPSender. Leave ends them all and waits. Do not call Leave from
// the Handler itself; call it from another goroutine.
package native
