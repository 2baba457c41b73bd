//go:build live

package live

import (
	"fmt"
	"math"
	"time"

	"github.com/pion/mediadevices/pkg/codec/opus"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
	"github.com/pion/rtp/codecs"

	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/play"
)

// audioChunk is one 20 ms frame at 48 kHz.
const audioChunk = 960

// NewAudio starts a live Opus source: a 440 Hz tone with a slow envelope
// and a pause every 2 s, encoded in real time in 20 ms packets. The
// ssrc-audio-level it stamps is measured from the generated samples.
func NewAudio(w play.Writer, opts ...Option) (*Source, error) {
	cfg := config{bitrate: DefaultAudioBitrate}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	gen := &tone{chunk: wave.NewInt16Interleaved(wave.ChunkInfo{Len: audioChunk, Channels: 1, SamplingRate: media.AudioClockRate})}
	params, err := opus.NewParams()
	if err != nil {
		return nil, fmt.Errorf("live: opus params: %w", err)
	}
	params.BitRate = cfg.bitrate
	reader := audio.ReaderFunc(func() (wave.Audio, func(), error) { return gen.chunk, func() {}, nil })
	enc, err := params.BuildAudioEncoder(reader, prop.Media{Audio: prop.Audio{SampleRate: media.AudioClockRate, ChannelCount: 1}})
	if err != nil {
		return nil, fmt.Errorf("live: opus encoder: %w", err)
	}
	return newSource(media.KindAudio, w, enc, &codecs.OpusPayloader{}, 20*time.Millisecond, gen, cfg), nil
}

// tone generates the audio and measures its level.
type tone struct {
	chunk *wave.Int16Interleaved
	n     int // samples generated so far
	lv    uint8
}

func (g *tone) level() uint8 { return g.lv }

func (g *tone) next(time.Duration) {
	var sum float64
	for i := range g.chunk.Data {
		t := float64(g.n+i) / media.AudioClockRate
		v := 0.0
		if math.Mod(t, 2) >= 0.4 {
			v = 0.5 * math.Sin(2*math.Pi*440*t) * (0.6 + 0.4*math.Sin(2*math.Pi*0.5*t))
		}
		g.chunk.Data[i] = int16(v * math.MaxInt16)
		sum += v * v
	}
	g.n += len(g.chunk.Data)
	g.lv = 127
	if rms := math.Sqrt(sum / float64(len(g.chunk.Data))); rms > 0 {
		g.lv = uint8(min(127, max(0, math.Round(-20*math.Log10(rms)))))
	}
}
