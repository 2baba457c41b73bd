// Package protocol defines the JSON-over-WebSocket wire messages of the
// reference room service (docs/protocol.md). It is a leaf shared by the server
// (package server) and the native signaling driver (signaling/native).
//
// Every WebSocket text frame holds one Envelope:
//
//	{"type": "<Type>", "id": <request id, optional>, "data": {<body of Type>}}
//
// Clients send requests (enter, answer, candidate, media, remote, recvmode,
// im, leave, ping); every request that carries a non-zero id is answered by a
// "reply" with the same id. The server sends events (entered, enterFailed,
// members, userEntered, userLeft, remoteVideo, remoteAudio, offer, candidate,
// message, kicked, error, pong). The server is the only side that makes SDP
// offers, so there is never glare: clients answer.
//
// Decode is the single entry point for outside input; it never panics and
// names the message type and field in its errors.
package protocol
