// Package bot is one headless participant of a TRTC <webrtc-room> room.
//
// A Bot has the component's properties (Config: sdkAppID, userID, userSig or
// a way to get one, roomID / strRoomID, privateMapKey, muted, enableCamera,
// beauty, debug, enableIM, recvmode, autoplay) and its methods (Start, Stop,
// Pause, Resume, SetMuted, EnableCamera, SwitchCamera, SetBeauty,
// EnableRemoteAudio/Video, the IM sends). It raises the component's events
// with the reference's codes and tags as reports.Event values on a
// reports.Sink, and once a second one reports.Sample of RTC statistics.
//
// Vocabulary:
//
//   - Driver: the signaling protocol of one room service (signaling.Driver);
//     the bot never sees protocol types.
//   - Host: what the bots of one process share: the network description,
//     the fixture media library and its pacer. Hundreds of bots stay cheap:
//     each has one PeerConnection with one UDP socket and no goroutine of
//     its own for sending.
//   - Net: the network a bot's PeerConnection uses (transport.Net); bot/netem
//     wraps it with loss and delay for one bot.
//   - Remote: another participant; each of its tracks (audio, video) is
//     analysed on arrival (frames, first frame, freezes, e2e latency).
//
// Media: fixture mode replays pre-encoded media from the shared library (no
// per-bot encode or decode). Blocking a remote user's video
// (EnableRemoteVideo(false)) really stops its packets — the bot asks the
// server to stop forwarding — unlike the 2019 component's enableVideo(false),
// which only masked the picture (reference §4.2, §4.7). docs/events.md
// documents every event, its code and tag.
package bot
