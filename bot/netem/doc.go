// Package netem impairs one bot's network inside the process, per
// direction: random and Gilbert–Elliott burst loss, delay, jitter with or
// without reordering, duplication, a bandwidth cap with a tail-drop queue,
// and offline windows, on the UDP sockets its PeerConnection opens, and
// (Config.Signaling) delay and offline stalls on its signaling connection.
//
// A Net wraps the real network (pion transport/v5 stdnet) and implements
// transport.Net, so it plugs into webrtc.SettingEngine.SetNet without the
// bot knowing; its DialContext gives the signaling driver an impaired
// dialer. Only UDP sockets opened through ListenUDP/ListenPacket and
// connections opened through Dial/DialContext are impaired.
//
// The impairment changes at run time (Set, SetFor): every datagram reads
// the Config in force when it is sent or received. Up applies to what the
// bot writes, before it reaches the real socket; Down to what the real
// socket received, before the bot reads it. So a delay D on both links adds
// 2·D to every round trip the bot takes part in, and D to the one-way
// latency of each media leg the bot is an end of (docs/network.md).
//
// Every bot owns its UDP socket, so a Net given to one bot (bot.WithNet)
// impairs only that bot.
//
// The kernel of the test machines has no netem qdisc (field notes), which is
// why impairment lives here and not in tc.
package netem
