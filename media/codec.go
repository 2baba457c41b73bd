package media

import (
	"fmt"
	"strings"
)

// Kind is the kind of a track: audio or video.
type Kind uint8

// Track kinds.
const (
	KindAudio Kind = iota + 1
	KindVideo
)

// String returns "audio" or "video".
func (k Kind) String() string {
	switch k {
	case KindAudio:
		return "audio"
	case KindVideo:
		return "video"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Codec names a media codec as roombot knows it.
type Codec uint8

// Codecs carried by fixtures and the live encoder.
const (
	CodecVP8 Codec = iota + 1
	CodecH264
	CodecOpus
)

// Clock rates of the RTP timestamps of each kind (RFC 7741, RFC 6184, RFC 7587).
const (
	VideoClockRate = 90000
	AudioClockRate = 48000
)

// String returns the lower-case codec name ("vp8", "h264", "opus").
func (c Codec) String() string {
	switch c {
	case CodecVP8:
		return "vp8"
	case CodecH264:
		return "h264"
	case CodecOpus:
		return "opus"
	}
	return fmt.Sprintf("codec(%d)", uint8(c))
}

// Kind returns the track kind the codec belongs to.
func (c Codec) Kind() Kind {
	if c == CodecOpus {
		return KindAudio
	}
	return KindVideo
}

// ClockRate returns the RTP clock rate of the codec in Hz.
func (c Codec) ClockRate() uint32 {
	if c == CodecOpus {
		return AudioClockRate
	}
	return VideoClockRate
}

// MimeType returns the codec's MIME type as pion spells it ("video/VP8").
func (c Codec) MimeType() string {
	switch c {
	case CodecVP8:
		return "video/VP8"
	case CodecH264:
		return "video/H264"
	case CodecOpus:
		return "audio/opus"
	}
	return ""
}

// ParseCodec accepts a codec name ("vp8", "h264", "opus") or a MIME type
// ("video/VP8"), case-insensitively.
func ParseCodec(s string) (Codec, error) {
	name := strings.ToLower(s)
	if i := strings.IndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	switch name {
	case "vp8":
		return CodecVP8, nil
	case "h264", "avc":
		return CodecH264, nil
	case "opus":
		return CodecOpus, nil
	}
	return 0, fmt.Errorf("%w: %q", ErrUnknownCodec, s)
}

// MarshalText implements encoding.TextMarshaler.
func (c Codec) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseCodec.
func (c *Codec) UnmarshalText(b []byte) error {
	v, err := ParseCodec(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
