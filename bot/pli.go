package bot

import (
	"slices"

	"github.com/pion/rtcp"
)

// sendPLI asks the sender of rt for a keyframe with a Picture Loss
// Indication (RFC 4585 §6.3.1), written through the PeerConnection that
// receives rt so that the interceptors see it (the stats interceptor counts
// it in the track's plis). The receive analysis calls it when its decoder
// model lost a reference (media/rx, decode.go); it is rate-limited there.
func (b *Bot) sendPLI(rt *remoteTrack) {
	if rt.recv == nil {
		return
	}
	b.mu.Lock()
	peers := slices.Clone(b.peers)
	b.mu.Unlock()
	for _, pc := range peers {
		for _, r := range pc.GetReceivers() {
			if r == rt.recv {
				_ = pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: rt.ssrc}})
				return
			}
		}
	}
}
