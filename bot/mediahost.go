package bot

import (
	"fmt"
	"strings"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// mediaHost is the media part of a Host: the shared fixture library, and
// the factories of players and analyzers the bots use.
type mediaHost struct {
	lib *fixture.Library
}

func newMediaHost() (*mediaHost, error) {
	lib, err := fixture.Default()
	if err != nil {
		return nil, fmt.Errorf("bot host: media fixtures: %w", err)
	}
	return &mediaHost{lib: lib}, nil
}

func (m *mediaHost) close() {}

// height of a resolution name ("360p" → 360).
func height(res string) int {
	var h int
	_, _ = fmt.Sscanf(res, "%dp", &h)
	return h
}

// newPlayer starts playback of the configured fixture on track.
func (m *mediaHost) newPlayer(mc MediaConfig, kind, camera string, track *webrtc.TrackLocalStaticRTP, ext media.Extensions) (player, error) {
	if kind == "audio" {
		clip, err := m.lib.Audio()
		if err != nil {
			return nil, err
		}
		return newFixturePlayer(map[string]*fixture.Clip{"mic": clip}, "mic", track, ext), nil
	}
	codec, err := media.ParseCodec(mc.Codec)
	if err != nil {
		return nil, err
	}
	clips := map[string]*fixture.Clip{}
	for _, src := range m.lib.Sources() {
		c, err := m.lib.Video(src, codec, height(mc.Resolution))
		if err != nil {
			return nil, err
		}
		clips[src] = c
	}
	if clips[camera] == nil {
		return nil, fmt.Errorf("no %s camera in the fixtures", camera)
	}
	return newFixturePlayer(clips, camera, track, ext), nil
}

// newAnalyzer makes the receive analysis of one remote track.
func (m *mediaHost) newAnalyzer(mime, kind string, exts []webrtc.RTPHeaderExtensionParameter, ev rxEvents) analyzer {
	codec, _ := media.ParseCodec(strings.TrimPrefix(strings.ToLower(mime), kind+"/"))
	ext := media.ExtensionsFromParams(len(exts), func(i int) (string, int) { return exts[i].URI, exts[i].ID })
	return newRxAnalysis(codec, kind, ext, m.lib, ev)
}

// keyframeInterceptor watches PLI/FIR on the bot's senders.
func (b *Bot) keyframeInterceptor() interceptor.Factory {
	return newKeyframeWatcher(b.onKeyframeRequest)
}
