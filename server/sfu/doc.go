// Package sfu is the media plane of the reference room service: one pion
// PeerConnection per participant, all sharing one ICE UDP socket, and a
// selective forwarding unit that copies every publisher's RTP to the
// subscribers the room layer attaches.
//
// Vocabulary:
//   - Engine: the shared pion API (codecs, interceptors, UDP mux). One per server.
//   - Peer: one participant's PeerConnection. The server is always the SDP
//     offerer (Negotiate); the client answers (SetAnswer). Upstream m-lines
//     (recvonly on the server) are created when the peer is made.
//   - Publication: one incoming track (a publisher's audio or video). Its
//     goroutine reads RTP and fans it out to its DownTracks.
//   - DownTrack: one publication as sent to one subscriber. It rewrites SSRC,
//     payload type, sequence numbers (contiguous across the packets it did not
//     forward) and header-extension IDs to what the subscriber's leg
//     negotiated; it forwards only while enabled and not held, and starts or
//     stops only at a frame's first packet (never half a frame).
//
// Track → user mapping for clients: a forwarded track has stream ID = the
// publisher's userID and track ID = "<userID>-<kind>" (e.g. "alice-video").
//
// RTCP: NACKs from subscribers are answered from a retransmission buffer on
// each subscriber leg (pion NACK responder) and never reach the publisher;
// the publisher leg has a NACK generator capped at two requests per lost
// packet. PLI/FIR from subscribers are forwarded to the publisher, at most one
// per KeyframeInterval per publication. Sender and receiver reports run on
// every leg, so a publisher measures its RTT from the server's receiver
// reports; a subscriber's XR receiver-reference-time (sender SSRC = the
// forwarded track's SSRC) is answered with a DLRR so that it can measure its
// receiving leg's RTT too.
//
// Liveness: a peer fails (PeerConfig.OnFailed) when ICE/DTLS fails, when
// nothing arrives from the client for Config.MediaTimeout (pion's ICE
// keepalives are the consent checks), or when the client closes its side
// (DTLS close_notify). An offer not answered within Config.AnswerTimeout
// calls PeerConfig.OnAnswerTimeout.
//
// The room layer (package server) decides who receives what; this package
// only carries packets and never knows about rooms.
package sfu
