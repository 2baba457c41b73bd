// Package pcpair connects two real pion PeerConnections over loopback UDP
// (127.0.0.1 only, mDNS off, IPv4 UDP) for the media packages' tests and
// benchmarks: a sender with local tracks and a receiver, both negotiating
// roombot's header extensions (abs-capture-time, ssrc-audio-level).
package pcpair
