package bot

import (
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// configureNack registers the NACK generator and responders, as
// webrtc.ConfigureNackWithOptions does, but keeps the responder's history
// small: pion's responder copies every sent packet into a pooled
// 1,460-byte buffer, and that history (DefaultNackHistory packets per video
// stream) was half of a bot's heap (issue 12: 0.5 MB per bot of a 1.0 MB
// heap). A bot's payloads are never rewritten after they are sent — a
// fixture player sends the shared library's packets, a live source a fresh
// payloader output per frame — so the responder keeps the payload slice
// as written (nack.DisableCopy) and only the header, which a player reuses
// for every packet, is copied (headerCopier, just outside the responder).
//
// Streams that negotiated RTX (LiveKit) keep pion's copying responder: it
// builds the RTX packet (original sequence number in front of the payload)
// from its copy. Both responders see only their own streams.
func configureNack(m *webrtc.MediaEngine, ir *interceptor.Registry, history uint16, maxNacks uint16) error {
	gen, err := nack.NewGeneratorInterceptor(nack.GeneratorMaxNacksPerPacket(maxNacks))
	if err != nil {
		return err
	}
	shared, err := nack.NewResponderInterceptor(nack.ResponderSize(history), nack.DisableCopy(),
		nack.ResponderStreamsFilter(func(info *interceptor.StreamInfo) bool { return info.SSRCRetransmission == 0 }))
	if err != nil {
		return err
	}
	copying, err := nack.NewResponderInterceptor(nack.ResponderSize(history),
		nack.ResponderStreamsFilter(func(info *interceptor.StreamInfo) bool { return info.SSRCRetransmission != 0 }))
	if err != nil {
		return err
	}
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack"}, webrtc.RTPCodecTypeVideo)
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack", Parameter: "pli"}, webrtc.RTPCodecTypeVideo)
	ir.Add(shared)
	ir.Add(copying)
	ir.Add(headerCopier{})
	ir.Add(gen)
	return nil
}

// headerCopier hands the non-copying NACK responder a header of its own
// for each packet of a stream it keeps (NACK negotiated, no RTX), so that
// the retransmission of packet n is packet n even though the player wrote
// n+1 with the same header. Other streams pass untouched.
type headerCopier struct{}

func (headerCopier) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &headerCopyInterceptor{}, nil
}

type headerCopyInterceptor struct{ interceptor.NoOp }

func (*headerCopyInterceptor) BindLocalStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	if info.SSRCRetransmission != 0 || !nackNegotiated(info) {
		return w
	}
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
		c := h.Clone()
		return w.Write(&c, payload, a)
	})
}

// nackNegotiated is the responder's own test (generic NACK feedback).
func nackNegotiated(info *interceptor.StreamInfo) bool {
	for _, fb := range info.RTCPFeedback {
		if fb.Type == "nack" && fb.Parameter == "" {
			return true
		}
	}
	return false
}

var (
	_ interceptor.Factory     = headerCopier{}
	_ interceptor.Interceptor = (*headerCopyInterceptor)(nil)
)
