//go:build live

package live

import (
	"fmt"

	"github.com/roombot/roombot/media"
)

// Defaults of the live sources.
const (
	DefaultWidth        = 640
	DefaultHeight       = 360
	DefaultFPS          = 30
	DefaultVideoBitrate = 500_000 // bits per second
	DefaultAudioBitrate = 32_000  // bits per second
	// MinVideoBitrate and MaxVideoBitrate clamp SetBitrate.
	MinVideoBitrate = 50_000
	MaxVideoBitrate = 5_000_000
)

// Option configures a live source.
type Option func(*config) error

type config struct {
	width, height, fps int
	bitrate            int
	ext                media.Extensions
	muted              bool
}

// WithSize sets the video frame size in pixels (even numbers, default
// DefaultWidth × DefaultHeight).
func WithSize(w, h int) Option {
	return func(c *config) error {
		if w < 16 || h < 16 || w > 1920 || h > 1080 || w%2 != 0 || h%2 != 0 {
			return fmt.Errorf("live: size %dx%d: want even sizes 16..1920 x 16..1080", w, h)
		}
		c.width, c.height = w, h
		return nil
	}
}

// WithFPS sets the video frame rate (default DefaultFPS).
func WithFPS(fps int) Option {
	return func(c *config) error {
		if fps < 1 || fps > 60 {
			return fmt.Errorf("live: fps %d out of range 1..60", fps)
		}
		c.fps = fps
		return nil
	}
}

// WithBitrate sets the starting target bitrate in bits per second (default
// DefaultVideoBitrate for video, DefaultAudioBitrate for audio).
func WithBitrate(bps int) Option {
	return func(c *config) error {
		if bps < 6000 || bps > MaxVideoBitrate {
			return fmt.Errorf("live: bitrate %d out of range 6000..%d", bps, MaxVideoBitrate)
		}
		c.bitrate = bps
		return nil
	}
}

// WithExtensions sets the negotiated header extension IDs.
func WithExtensions(e media.Extensions) Option {
	return func(c *config) error { c.ext = e; return nil }
}

// WithMuted starts the source muted (camera off for video): nothing is
// captured, encoded or sent until SetMuted(false), and video then starts
// with a keyframe.
func WithMuted(muted bool) Option {
	return func(c *config) error { c.muted = muted; return nil }
}
