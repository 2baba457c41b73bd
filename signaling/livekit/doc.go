// Package livekit is the signaling.Driver for livekit-server (v1.9, signal
// protocol 16): protobuf SignalRequest/SignalResponse over WebSocket
// (github.com/livekit/protocol), a publisher and a subscriber
// PeerConnection per session, both made with JoinParams.NewPeerConnection
// so that the bot's network, interceptors, codecs and receive analysis
// apply unchanged.
//
// Mapping of the <webrtc-room> model (docs/targets.md has the full table):
//   - room ID (numeric, in decimal, or string) → room name; userID → identity
//   - enter → WebSocket /rtc with an access token (minted from an API key and
//     secret with grants from the privilege bits, a supplied token, or one
//     fetched from a token URL); Join returns at the JoinResponse
//   - members and remote state ← JoinResponse and ParticipantUpdate
//     (a muted or absent track is "muted"/"off")
//   - mute / camera off → MuteTrackRequest on the published track
//   - block/unblock and recvmode → subscriptions (auto-subscribe for
//     recvmode all; otherwise the driver subscribes to what is wanted) and
//     UpdateTrackSettings (disabled) for what is subscribed
//   - IM → reliable data packets with the topic "roombot.im"
//     (destination identities for C2C)
//   - kicked ← LeaveRequest reasons (duplicate identity, removed, room
//     deleted)
//
// Goroutines per session: the WebSocket reader, the event dispatcher and
// the pinger; Leave ends them all.
package livekit
