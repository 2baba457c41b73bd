package media

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// RTP header extension URIs roombot stamps on sent media and reads on receipt.
// The reference SFU negotiates both on both legs and forwards them unchanged.
const (
	// AbsCaptureTimeURI carries the sender's capture time as a 64-bit NTP
	// timestamp; sender and receiver share the machine clock, so
	// arrival − capture is the end-to-end latency.
	AbsCaptureTimeURI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time"
	// AudioLevelURI carries the audio level of an audio packet (RFC 6464).
	AudioLevelURI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
)

// Extensions holds the negotiated one-byte header extension IDs of one track
// (1..14). A zero ID means "not negotiated": the extension is neither written
// nor read. Take them from RTPSender.GetParameters().HeaderExtensions on the
// sending side and from RTPReceiver.GetParameters() on the receiving side.
type Extensions struct {
	AbsCaptureTime uint8
	AudioLevel     uint8
}

// ExtensionsFromParams picks the IDs of roombot's extensions out of a list of
// (URI, ID) pairs, such as pion's webrtc.RTPHeaderExtensionParameter. It takes
// a function so that this package does not import pion/webrtc.
func ExtensionsFromParams(n int, at func(i int) (uri string, id int)) Extensions {
	var e Extensions
	for i := 0; i < n; i++ {
		uri, id := at(i)
		if id <= 0 || id > 14 {
			continue // two-byte IDs are not used by roombot
		}
		switch uri {
		case AbsCaptureTimeURI:
			e.AbsCaptureTime = uint8(id)
		case AudioLevelURI:
			e.AudioLevel = uint8(id)
		}
	}
	return e
}

// ntpEpochOffset is the number of seconds from 1900-01-01 (NTP era 0) to
// 1970-01-01 (Unix epoch).
const ntpEpochOffset = 2208988800

// NTPTime converts t to a 64-bit NTP timestamp (UQ32.32 seconds since 1900).
func NTPTime(t time.Time) uint64 {
	ns := t.UnixNano()
	sec := uint64(ns/1e9) + ntpEpochOffset
	frac := (uint64(ns%1e9) << 32) / 1e9
	return sec<<32 | frac
}

// TimeFromNTP converts a 64-bit NTP timestamp back to a time.Time (UTC,
// without a monotonic reading). The round trip with NTPTime is exact to
// within one nanosecond.
func TimeFromNTP(ntp uint64) time.Time {
	sec := int64(ntp>>32) - ntpEpochOffset
	frac := ntp & 0xFFFFFFFF
	ns := int64((frac*1e9 + (1 << 31)) >> 32)
	return time.Unix(sec, ns).UTC()
}

// AbsCaptureTimeSize is the size of the short form of abs-capture-time.
const AbsCaptureTimeSize = 8

// PutAbsCaptureTime writes the short (8-byte) abs-capture-time payload for
// capture time t into b, which must hold at least 8 bytes. It does not allocate.
func PutAbsCaptureTime(b []byte, t time.Time) {
	binary.BigEndian.PutUint64(b[:AbsCaptureTimeSize], NTPTime(t))
}

// AbsCaptureTime decodes an abs-capture-time payload (8 bytes, or 16 with
// the estimated capture clock offset, which is ignored). It does not allocate.
func AbsCaptureTime(b []byte) (time.Time, error) {
	if len(b) != 8 && len(b) != 16 {
		return time.Time{}, fmt.Errorf("%w: abs-capture-time is %d bytes, want 8 or 16", ErrBadExtension, len(b))
	}
	return TimeFromNTP(binary.BigEndian.Uint64(b)), nil
}

// AbsCaptureNTP is AbsCaptureTime without the conversion to time.Time: it
// returns the raw NTP value, or ok=false for a malformed payload.
func AbsCaptureNTP(b []byte) (ntp uint64, ok bool) {
	if len(b) != 8 && len(b) != 16 {
		return 0, false
	}
	return binary.BigEndian.Uint64(b), true
}

// AudioLevelByte encodes an RFC 6464 audio level: level is −dBov, 0 (loudest)
// to 127 (silence), and voice is the V flag.
func AudioLevelByte(level uint8, voice bool) byte {
	if level > 127 {
		level = 127
	}
	if voice {
		return 0x80 | level
	}
	return level
}

// AudioLevel decodes an RFC 6464 audio level payload into −dBov and the
// voice flag.
func AudioLevel(b []byte) (level uint8, voice bool, err error) {
	if len(b) < 1 {
		return 0, false, fmt.Errorf("%w: empty ssrc-audio-level", ErrBadExtension)
	}
	return b[0] & 0x7F, b[0]&0x80 != 0, nil
}

// LinearLevel converts −dBov (0..127) to the linear 0..1 scale that the W3C
// stats use for audioLevel (1.0 is full scale, 0.5 is about −6 dBov).
func LinearLevel(dBov float64) float64 {
	if dBov >= 127 {
		return 0
	}
	return math.Pow(10, -dBov/20)
}
