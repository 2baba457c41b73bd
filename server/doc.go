// Package server is roombot's reference room service: a real SFU that
// implements the TRTC <webrtc-room> semantics (enter with userSig and
// privateMapKey, numeric or string rooms, member lists and room events with
// the reference's codes, mute/camera state, remote-stream blocking and receive
// modes, IM group and C2C messages, kicks) over the JSON-over-WebSocket
// protocol of package protocol (docs/protocol.md).
//
// One Server serves, on one HTTP address:
//
//	/ws          signaling (WebSocket)
//	/api/sign    the signing service of package signature/signsvc (dev apps)
//	/healthz     liveness
//	/metrics     Prometheus metrics (private registry)
//	/admin/...   the token-protected admin and fault API (docs/admin.md)
//
// Media goes through package server/sfu over one shared ICE UDP socket.
// Start runs the whole service in-process on ephemeral loopback ports; Close
// stops it and waits for every goroutine it started.
//
// Locking: Server.mu guards the room registry and the C2C index; each room
// has its own mutex guarding its members and their subscriptions. Order:
// room.mu, then the sfu's per-peer lock; Server.mu is never taken while a
// room.mu is held except to unregister an empty room (see removeRoomIfEmpty).
package server
