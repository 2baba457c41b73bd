package bot

import (
	"fmt"
	"sync"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/interceptor/pkg/report"
	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/transport/v5"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/media"
)

// transportNet is the network a bot's PeerConnections use.
type transportNet = transport.Net

// DefaultMaxNacksPerPacket caps how often the NACK generator asks for one
// lost packet. Without a cap, RTX repairs (which arrive on another SSRC)
// never mark the primary sequence number received and the generator keeps
// asking: at 5 % loss traffic grew about 3× (field notes).
const DefaultMaxNacksPerPacket = 2

// DefaultNackHistory is how many sent packets per stream the NACK responder
// keeps for retransmission (a power of two). pion's default, 1024, is
// about 1.2 MB per video stream and was 80 % of a bot's heap; 256 packets
// are 2–4 s of 360p–720p video, far beyond any round trip a test sees.
const DefaultNackHistory = 256

// Payload types the bot offers. The reference service and browsers accept
// these; a driver may renegotiate others.
const (
	ptVP8     = 96
	ptVP8RTX  = 97
	ptH264    = 102
	ptH264RTX = 103
	ptOpus    = 111
)

// statsGetters collects the stats interceptor's Getter of every
// PeerConnection the bot's API creates (a driver may create several).
type statsGetters struct {
	mu   sync.Mutex
	list []stats.Getter
}

func (g *statsGetters) add(_ string, s stats.Getter) {
	g.mu.Lock()
	g.list = append(g.list, s)
	g.mu.Unlock()
}

// get returns the first Getter that knows ssrc.
func (g *statsGetters) get(ssrc uint32) *stats.Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, s := range g.list {
		if st := s.Get(ssrc); st != nil {
			return st
		}
	}
	return nil
}

// mediaEngine registers the codecs and the two header extensions the
// receive analysis needs (capture time for e2e latency, audio level).
// A simulcast publisher adds the MID and RID header extensions: an SFU
// tells the layers of one track apart by them.
func mediaEngine(simulcast bool) (*webrtc.MediaEngine, error) {
	m := &webrtc.MediaEngine{}
	// "nack" and "nack pli" are added by webrtc.ConfigureNackWithOptions.
	video := []webrtc.RTCPFeedback{{Type: "ccm", Parameter: "fir"}}
	codecs := []struct {
		c  webrtc.RTPCodecParameters
		tp webrtc.RTPCodecType
	}{
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: video}, PayloadType: ptVP8}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeRTX, ClockRate: 90000, SDPFmtpLine: fmt.Sprintf("apt=%d", ptVP8)}, PayloadType: ptVP8RTX}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
			SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", RTCPFeedback: video}, PayloadType: ptH264}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeRTX, ClockRate: 90000, SDPFmtpLine: fmt.Sprintf("apt=%d", ptH264)}, PayloadType: ptH264RTX}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
			SDPFmtpLine: "minptime=10;useinbandfec=1"}, PayloadType: ptOpus}, webrtc.RTPCodecTypeAudio},
	}
	for _, c := range codecs {
		if err := m.RegisterCodec(c.c, c.tp); err != nil {
			return nil, fmt.Errorf("bot: register codec %s: %w", c.c.MimeType, err)
		}
	}
	for _, uri := range []string{media.AbsCaptureTimeURI, media.AudioLevelURI} {
		for _, tp := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
			if uri == media.AudioLevelURI && tp == webrtc.RTPCodecTypeVideo {
				continue
			}
			if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: uri}, tp); err != nil {
				return nil, fmt.Errorf("bot: register header extension %s: %w", uri, err)
			}
		}
	}
	if simulcast {
		if err := webrtc.ConfigureSimulcastExtensionHeaders(m); err != nil {
			return nil, fmt.Errorf("bot: simulcast header extensions: %w", err)
		}
	}
	return m, nil
}

// buildAPI makes the bot's webrtc.API. Interceptor order matters:
//
//	stats (first: sees every packet and every RTCP, so NACK/PLI/FIR counts
//	       are the ones really sent/received)
//	→ wire counts (originals, retransmissions, NACKed sequence numbers)
//	→ keyframe requests (PLI/FIR on our senders → the player jumps to a keyframe)
//	→ NACK generator (capped) + responder (nackhistory.go: keeps sent
//	  payloads without copying them) → RTCP sender/receiver reports
//	→ attributes (outermost reader: one parsed RTP header shared by all)
//
// pion's default TWCC sender and second stats interceptor are left out:
// fixture media does not adapt its bitrate, and the bot has its own stats.
// Live bots add transport-wide CC and pion's send-side estimator (GCC)
// between the NACK interceptors and the reports, so their encoders follow
// congestion control; fixture bots pay nothing for it.
func (b *Bot) buildAPI() (*webrtc.API, error) {
	m, err := mediaEngine(b.cfg.Media.Simulcast)
	if err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	sf, err := stats.NewInterceptor(stats.SetNowFunc(b.now))
	if err != nil {
		return nil, fmt.Errorf("bot: stats interceptor: %w", err)
	}
	sf.OnNewPeerConnection(b.getters.add)
	ir.Add(sf)
	// Originals vs retransmissions, and NACKed sequence numbers: inside
	// the NACK responder so that its resends pass through.
	ir.Add(b.wire)
	// Receive-side RTT: reference-time reports written through the stats
	// interceptor's writer (so it records them) and answered with DLRR.
	ir.Add(rrtrFactory{every: b.statsEvery})
	if kf := b.keyframeInterceptor(); kf != nil {
		ir.Add(kf)
	}
	if b.host.nackCopy {
		err = webrtc.ConfigureNackWithOptions(m, ir,
			[]nack.GeneratorOption{nack.GeneratorMaxNacksPerPacket(DefaultMaxNacksPerPacket)},
			nack.ResponderSize(DefaultNackHistory))
	} else {
		err = configureNack(m, ir, DefaultNackHistory, DefaultMaxNacksPerPacket)
	}
	if err != nil {
		return nil, fmt.Errorf("bot: nack: %w", err)
	}
	if b.cfg.Media.Live {
		// Transport-wide CC and the send-side estimator, for live
		// encoders only: outside the NACK responder (see live_on.go).
		if err := b.liveCongestionControl(m, ir); err != nil {
			return nil, err
		}
	}
	if err := webrtc.ConfigureRTCPReportsWithOptions(ir, []report.ReceiverOption{}); err != nil {
		return nil, fmt.Errorf("bot: rtcp reports: %w", err)
	}
	ir.Add(attrsFactory{})
	se := b.host.settingEngine(b.net)
	b.reconnect.iceSettings(&se)
	for _, f := range b.seHooks {
		f(&se)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)), nil
}
