//go:build live

package bot

import (
	"errors"
	"fmt"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/cc"
	"github.com/pion/interceptor/pkg/gcc"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/live"
)

// Live resolutions: the live source draws its picture at the configured
// size and encodes it with VP8 at a bitrate like the fixtures'. bps is
// also the most the congestion controller gives video at that size (as a
// browser caps each resolution).
var liveSizes = map[string]struct{ w, h, bps int }{
	"180p": {320, 180, 150_000},
	"360p": {640, 360, 500_000},
	"720p": {1280, 720, 1_200_000},
}

// liveAudioReserve is what the estimate keeps for the Opus track before
// video gets the rest: its 32 kbit/s plus RTP/UDP/IP headers at 50 packets
// a second.
const liveAudioReserve = live.DefaultAudioBitrate + 16_000

// liveSize returns the configured live size (360p if unknown).
func liveSize(res string) struct{ w, h, bps int } {
	if sz, ok := liveSizes[res]; ok {
		return sz
	}
	return liveSizes["360p"]
}

// liveCongestionControl adds transport-wide congestion control to a live
// bot's API: the transport-cc header extension (and its rtcp-fb, so
// browsers would send feedback too), sequence numbers on every sent packet,
// and pion's send-side estimator (GCC: delay- and loss-based) whose target
// becomes the live video encoder's bitrate.
//
// Order (ir wraps writers in order, the last added runs first): the NACK
// interceptors are already in ir, so the estimator and its pacer sit
// outside the NACK responder. pion's pacer knows only the primary SSRC of a
// stream; inside the responder it would drop every RTX repair. Repairs
// therefore are neither paced nor counted by the estimator.
func (b *Bot) liveCongestionControl(m *webrtc.MediaEngine, ir *interceptor.Registry) error {
	maxBps := liveSize(b.cfg.Media.Resolution).bps + liveAudioReserve
	minBps := live.MinVideoBitrate + liveAudioReserve
	f, err := cc.NewInterceptor(func() (cc.BandwidthEstimator, error) {
		return gcc.NewSendSideBWE(
			gcc.SendSideBWEInitialBitrate(maxBps),
			gcc.SendSideBWEMinBitrate(minBps),
			gcc.SendSideBWEMaxBitrate(maxBps),
			gcc.WithLoggerFactory(b.host.lf))
	})
	if err != nil {
		return fmt.Errorf("bot: congestion controller: %w", err)
	}
	f.OnNewPeerConnection(func(_ string, e cc.BandwidthEstimator) { b.bwe.watch(e) })
	ir.Add(f)
	// The header extension interceptor must run before the estimator sees
	// a packet (it reads the sequence number the interceptor writes).
	if err := webrtc.ConfigureTWCCHeaderExtensionSender(m, ir); err != nil {
		return fmt.Errorf("bot: transport-cc header extension: %w", err)
	}
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		m.RegisterFeedback(webrtc.RTCPFeedback{Type: webrtc.TypeRTCPFBTransportCC}, k)
	}
	return nil
}

// newLivePlayer starts a real encoder (pion/mediadevices VP8 / Opus) on
// track. It costs a share of a core per bot: for a handful of bots only.
func newLivePlayer(mc MediaConfig, kind string, off bool, track *webrtc.TrackLocalStaticRTP, ext media.Extensions) (player, error) {
	var (
		s   *live.Source
		err error
		max int
	)
	if kind == "audio" {
		s, err = live.NewAudio(track, live.WithExtensions(ext))
	} else {
		sz := liveSize(mc.Resolution)
		max = sz.bps
		s, err = live.NewVideo(track, live.WithSize(sz.w, sz.h), live.WithBitrate(sz.bps), live.WithExtensions(ext))
	}
	if err != nil {
		return nil, err
	}
	s.SetMuted(off)
	if kind == "audio" {
		return liveAdapter{s}, nil
	}
	return liveVideo{liveAdapter{s}, max}, nil
}

// liveAdapter maps the bot's player interface onto live.Source.
type liveAdapter struct{ s *live.Source }

func (a liveAdapter) SetOff(off bool) { a.s.SetMuted(off) }
func (a liveAdapter) SwitchSource(string) error {
	return errors.New("the live source is one synthetic camera")
}
func (a liveAdapter) RequestKeyframe()                 { a.s.RequestKeyframe() }
func (a liveAdapter) SetExtensions(e media.Extensions) { a.s.SetExtensions(e) }
func (a liveAdapter) Close()                           { _ = a.s.Close() }

// liveVideo is a live video player: its encoder follows the congestion
// controller up to max, the resolution's bitrate.
type liveVideo struct {
	liveAdapter
	max int
}

// followTarget gives video what the estimate leaves after audio, between
// live.MinVideoBitrate and the resolution's bitrate. Setting the target
// after Close is harmless (the encoder only stores it).
func (v liveVideo) followTarget(total int) {
	_ = v.s.SetBitrate(min(max(total-liveAudioReserve, live.MinVideoBitrate), v.max))
}

var (
	_ player       = liveAdapter{}
	_ player       = liveVideo{}
	_ rateFollower = liveVideo{}
)
