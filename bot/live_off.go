//go:build !live

package bot

import (
	"errors"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/media"
)

// errNoLive is returned for MediaConfig.Live in a binary without the live
// encoder.
var errNoLive = errors.New("live media " + errNoLiveText)

func newLivePlayer(MediaConfig, string, bool, *webrtc.TrackLocalStaticRTP, media.Extensions) (player, error) {
	return nil, errNoLive
}

// liveCongestionControl is never called without the live encoder (the
// configuration refuses live media); it adds nothing.
func (b *Bot) liveCongestionControl(*webrtc.MediaEngine, *interceptor.Registry) error {
	return errNoLive
}
