// Package live is roombot's real-encoder mode for the few bots that need one:
// a synthetic video source (a moving gradient with rings, generated in Go)
// encoded with VP8 and a synthetic tone encoded with Opus, both by
// pion/mediadevices, written as RTP to the same kind of track the fixture
// players use (play.Writer). Unlike fixture playback it makes a fresh
// keyframe on request and its bitrate follows SetBitrate (feed it the
// congestion controller's estimate).
//
// It needs cgo and libvpx (Debian: libvpx-dev, pkg-config); Opus links the
// static libopus bundled in mediadevices. Everything in this package except
// this doc file is behind the build tag "live", so the default build stays
// pure Go:
//
//	go test -tags live ./media/live/
//
// Without the tag, the package is empty and Available is false.
package live
