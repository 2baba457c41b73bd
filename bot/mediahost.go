package bot

import (
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
	"github.com/roombot/roombot/media/keyframe"
	"github.com/roombot/roombot/media/play"
	"github.com/roombot/roombot/media/rx"
)

// mediaHost is the media part of a Host: the shared fixture library and
// the pacing scheduler all the bots' players run on.
type mediaHost struct {
	lib   *fixture.Library
	sched *play.Scheduler
}

func newMediaHost() (*mediaHost, error) {
	lib, err := fixture.Default()
	if err != nil {
		return nil, fmt.Errorf("bot host: media fixtures: %w", err)
	}
	s, err := play.NewScheduler()
	if err != nil {
		return nil, fmt.Errorf("bot host: media scheduler: %w", err)
	}
	return &mediaHost{lib: lib, sched: s}, nil
}

func (m *mediaHost) close() { _ = m.sched.Close() }

// PacingLag is the media pacing lag of every player on the Host since the
// last call (how late frames were written compared with their schedule):
// the generator's own health.
func (h *Host) PacingLag() play.LagStats { return h.media.sched.TakeLag() }

// PacingLagTotal is the media pacing lag of every player on the Host since
// it started, whatever PacingLag took.
func (h *Host) PacingLagTotal() play.LagStats { return h.media.sched.TotalLag() }

// Library is the Host's shared fixture library.
func (h *Host) Library() *fixture.Library { return h.media.lib }

// height of a resolution name ("360p" → 360).
func height(res string) int {
	var h int
	_, _ = fmt.Sscanf(res, "%dp", &h)
	return h
}

// newPlayer starts paced playback of the configured fixture on track.
func (m *mediaHost) newPlayer(mc MediaConfig, kind, camera string, off bool, track *webrtc.TrackLocalStaticRTP, ext media.Extensions) (player, error) {
	if mc.Live {
		return newLivePlayer(mc, kind, off, track, ext)
	}
	var clip *fixture.Clip
	var err error
	if kind == "audio" {
		clip, err = m.lib.Audio()
	} else {
		var codec media.Codec
		if codec, err = media.ParseCodec(mc.Codec); err == nil {
			clip, err = m.lib.Video(camera, codec, height(mc.Resolution))
		}
	}
	if err != nil {
		return nil, err
	}
	p, err := play.New(m.sched, track, clip, play.WithLibrary(m.lib), play.WithExtensions(ext), play.WithMuted(off))
	if err != nil {
		return nil, err
	}
	return playerAdapter{p}, nil
}

// playerAdapter maps the bot's player interface onto play.Player.
type playerAdapter struct{ p *play.Player }

func (a playerAdapter) SetOff(off bool)                  { a.p.SetMuted(off) }
func (a playerAdapter) SwitchSource(camera string) error { return a.p.SwitchSource(camera) }
func (a playerAdapter) RequestKeyframe()                 { a.p.RequestKeyframe() }
func (a playerAdapter) ForceKeyframe()                   { a.p.ForceKeyframe() }
func (a playerAdapter) Close()                           { _ = a.p.Close() }
func (a playerAdapter) SetExtensions(e media.Extensions) { a.p.SetExtensions(e) }

// newAnalyzer makes the receive analysis of one remote track. start is the
// reference of its first-frame delay.
func (m *mediaHost) newAnalyzer(mime, kind string, exts []webrtc.RTPHeaderExtensionParameter, start time.Time, ev rxEvents) analyzer {
	codec, _ := media.ParseCodec(strings.TrimPrefix(strings.ToLower(mime), kind+"/"))
	ext := media.ExtensionsFromParams(len(exts), func(i int) (string, int) { return exts[i].URI, exts[i].ID })
	a := &analyzerAdapter{}
	a.an = rx.NewAnalyzer(codec, start,
		rx.WithExtensions(ext),
		rx.WithRecognizer(m.lib.Recognize),
		rx.WithFirstFrameHandler(ev.FirstFrame),
		rx.WithSourceHandler(ev.Source),
		rx.WithKeyframeRequester(ev.KeyframeNeeded),
		rx.WithFreezeHandler(func(f rx.Freeze) {
			// A freeze is reported ongoing (when a snapshot notices it) and
			// again when it ends; a short one only when it ends.
			if f.Ongoing() {
				a.startSent.Store(true)
				ev.FreezeStart(f.Start)
				return
			}
			if !a.startSent.Swap(false) {
				ev.FreezeStart(f.Start)
			}
			ev.FreezeEnd(f.End, f.Duration)
		}))
	return a
}

// analyzerAdapter feeds raw packets from the read loop into rx.Analyzer.
// The header is reused: one read loop per track, so no locking is needed
// and no allocation happens per packet.
type analyzerAdapter struct {
	an  *rx.Analyzer
	hdr rtp.Header
	// startSent: freeze_start was raised for the ongoing freeze. The
	// ongoing report comes from the stats loop, the end from the read loop.
	startSent atomic.Bool
}

func (a *analyzerAdapter) Packet(b []byte, at time.Time) {
	n, err := a.hdr.Unmarshal(b)
	if err != nil {
		return
	}
	payload := b[n:]
	if a.hdr.Padding && len(payload) > 0 {
		if pad := int(payload[len(payload)-1]); pad <= len(payload) {
			payload = payload[:len(payload)-pad]
		}
	}
	a.an.Observe(&a.hdr, payload, at)
}

func (a *analyzerAdapter) Expect(on bool, now time.Time) { a.an.Expect(on, now) }

func (a *analyzerAdapter) Snapshot(now time.Time) rxSnapshot {
	s := a.an.Snapshot(now)
	out := rxSnapshot{Frames: s.Delta.Frames, Undecodable: s.Delta.Undecodable, Width: s.Width, Height: s.Height, FPS: s.FPS, Freezes: int(s.Delta.Freezes),
		FreezeMs: float64(s.Delta.FreezeDuration) / float64(time.Millisecond), Source: s.Source}
	if s.JitterUpdates > 0 {
		out.JitterMs = ptr(float64(s.Jitter) / float64(time.Millisecond))
	}
	if s.Latency.Count > 0 {
		out.E2EMs = ptr(float64(s.Latency.Mean) / float64(time.Millisecond))
	}
	if !math.IsNaN(s.AudioLevelMean) {
		// reports wants RFC 6464 −dBov (0 loudest … 127 silence).
		db := 127.0
		if s.AudioLevelMean > 0 {
			db = math.Min(127, -20*math.Log10(s.AudioLevelMean))
		}
		out.AudioLevel = ptr(db)
	}
	return out
}

// keyframeInterceptor watches PLI/FIR on the bot's senders (media's
// interceptor) and answers them with a keyframe jump of the player.
func (b *Bot) keyframeInterceptor() interceptor.Factory {
	return keyframe.NewFactory(func(r keyframe.Request) { b.onKeyframeRequest(r.SSRC) })
}

var (
	_ player   = playerAdapter{}
	_ analyzer = (*analyzerAdapter)(nil)
)
