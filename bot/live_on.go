//go:build live

package bot

import (
	"errors"

	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/live"
)

// Live resolutions: the live source draws its picture at the configured
// size and encodes it with VP8 at a bitrate like the fixtures'.
var liveSizes = map[string]struct{ w, h, bps int }{
	"180p": {320, 180, 150_000},
	"360p": {640, 360, 500_000},
	"720p": {1280, 720, 1_200_000},
}

// newLivePlayer starts a real encoder (pion/mediadevices VP8 / Opus) on
// track. It costs a share of a core per bot: for a handful of bots only.
func newLivePlayer(mc MediaConfig, kind string, off bool, track *webrtc.TrackLocalStaticRTP, ext media.Extensions) (player, error) {
	var (
		s   *live.Source
		err error
	)
	if kind == "audio" {
		s, err = live.NewAudio(track, live.WithExtensions(ext))
	} else {
		sz := liveSizes[mc.Resolution]
		s, err = live.NewVideo(track, live.WithSize(sz.w, sz.h), live.WithBitrate(sz.bps), live.WithExtensions(ext))
	}
	if err != nil {
		return nil, err
	}
	s.SetMuted(off)
	return liveAdapter{s}, nil
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

var _ player = liveAdapter{}
