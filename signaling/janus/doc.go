// Package janus is the signaling.Driver for a Janus WebRTC server
// (Meetecho, 1.1.x) with its VideoRoom and TextRoom plugins.
//
// It speaks the Janus API over WebSocket (subprotocol janus-protocol):
// create a session, attach handles, keepalive, trickle, detach, destroy.
// One Join is one Janus session:
//
//   - a VideoRoom handle joined as ptype "publisher": the participant. Its
//     "joined" answer is the member list (publishers and, in rooms with
//     notify_joining, attendees), its events are users entering
//     (joining/publishers), leaving (leaving/kicked), media state, kicks
//     and the room's destruction. JoinParams.Tracks are published on it
//     over one PeerConnection;
//   - one multistream subscriber handle (ptype "subscriber") over one
//     PeerConnection, following the publishers: "subscribe" for each new
//     one, Janus's own renegotiation (autoupdate) for those that leave. A
//     428 "No such feed" is retried (see DefaultSubscribeRetries);
//   - a TextRoom handle with one data channel when IM is on (textroom.go
//     says why TextRoom).
//
// Every PeerConnection comes from JoinParams.NewPeerConnection, so the
// bot's network, interceptors and codecs apply. Remote tracks are matched
// to users by the subscription's mid → feed → display; the display name
// is the userID.
//
// A userID that enters again takes over from its earlier session, as on
// TRTC (takeover.go): the earlier one is kicked with reason "kick".
//
// Mute and camera off (docs/targets.md): a "configure" sets the stream's
// send flag (Janus stops relaying it) and its description
// ("roombot:audio:muted", "roombot:video:off"), which Janus relays to every
// participant; peers read 1034/1033 from it (a disabled or moderated
// stream counts as off too). Blocking a remote user and recvmode set the
// send flag of the subscription's m-lines.
//
// Goroutines per session: the WebSocket reader, the keepalive, the
// connection watcher, the worker (Janus events, subscription changes and
// 428 retries, in order), the dispatcher (events → Handler), one RTCP
// drain per RTPSender, one timer per scheduled retry and, for a session
// that replaced an earlier one of its userID, one takeover timer. Leave
// ends them all and waits. Do not call Leave from the Handler itself.
package janus
