// Package netem impairs one bot's network inside the process: random loss,
// delay and jitter on the UDP sockets its PeerConnection opens.
//
// A Net wraps the real network (pion transport/v5 stdnet) and implements
// transport.Net, so it plugs into webrtc.SettingEngine.SetNet without the
// bot knowing. Only UDP sockets opened through ListenUDP/ListenPacket are
// impaired (that is what ICE uses for host candidates); TCP and dialled
// sockets pass through unchanged.
//
// Every bot owns its UDP socket, so a Net given to one bot (bot.WithNet)
// impairs only that bot.
//
// The kernel of the test machines has no netem qdisc (field notes), which is
// why impairment lives here and not in tc.
package netem
