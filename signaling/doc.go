// Package signaling is the contract between a bot and a room service.
//
// A Driver speaks one server's signaling protocol (the reference room
// service's native JSON-over-WebSocket protocol in signaling/native; LiveKit
// and Janus later) and translates it into the room vocabulary of the TRTC
// <webrtc-room> model: enter, members, remote users entering and leaving,
// remote audio/video state, remote tracks, IM messages, kicks and errors.
// The bot sees only this package's types, so it never knows which server it
// talks to.
//
// Media flows through pion PeerConnections that the driver creates with
// JoinParams.NewPeerConnection, so the bot's settings (network, interceptors,
// codecs) apply whatever the server. A driver may create one PeerConnection
// (the reference service) or several (LiveKit: publisher + subscriber; Janus:
// one per subscription).
//
// Contract for drivers:
//   - Join returns only after the room was entered (or with an *Error that
//     carries the server's code); events that arrive before Join returns are
//     delivered to the Handler, in order.
//   - The Handler is called from one goroutine at a time, in the order the
//     server sent events; it must not block for long.
//   - Every RTPSender a driver creates has its RTCP read (DrainRTCP), so that
//     interceptors see receiver reports, NACKs and keyframe requests.
//   - When JoinParams.Dial is set, the signaling connection is dialled
//     through it (the bot's, possibly impaired, network).
//   - A lost connection is reported as Disconnected (the bot then
//     reconnects by calling Join again with the same parameters).
//   - Leave is idempotent; after it returns no more events are delivered and
//     every goroutine the driver started has ended.
package signaling
