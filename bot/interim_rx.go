package bot

import (
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/roombot/roombot/media"
	"github.com/roombot/roombot/media/fixture"
)

// rxAnalysis assembles frames from one received track: first frame, fps,
// freezes by the W3C rule (a frame gap longer than max(3 × mean frame
// interval, mean + 150 ms)), e2e latency from abs-capture-time, audio
// level, and the camera recognised from keyframe fingerprints.
type rxAnalysis struct {
	codec media.Codec
	video bool
	ext   media.Extensions
	lib   *fixture.Library
	ev    rxEvents

	mu        sync.Mutex
	hdr       rtp.Header
	haveTS    bool
	lastTS    uint32
	frames    uint64
	lastFrame time.Time
	meanIv    float64 // mean inter-frame interval, seconds (EWMA)
	first     bool
	source    string

	// interval accumulators since the last snapshot
	ivFrames   uint64
	ivFreezes  int
	ivFreezeMs float64
	e2eSum     float64
	e2eN       int
	level      float64
	levelN     int
	lastSnap   time.Time
}

func newRxAnalysis(c media.Codec, kind string, ext media.Extensions, lib *fixture.Library, ev rxEvents) *rxAnalysis {
	return &rxAnalysis{codec: c, video: kind == "video", ext: ext, lib: lib, ev: ev}
}

func (a *rxAnalysis) Packet(b []byte, at time.Time) {
	a.mu.Lock()
	var fire []func()
	if _, err := a.hdr.Unmarshal(b); err != nil {
		a.mu.Unlock()
		return
	}
	payload := b[a.hdr.MarshalSize():]
	if a.hdr.Padding && len(payload) > 0 {
		if n := int(payload[len(payload)-1]); n <= len(payload) {
			payload = payload[:len(payload)-n]
		}
	}
	if a.ext.AbsCaptureTime != 0 {
		if v := a.hdr.GetExtension(a.ext.AbsCaptureTime); v != nil {
			if ct, err := media.AbsCaptureTime(v); err == nil {
				a.e2eSum += float64(at.Sub(ct)) / float64(time.Millisecond)
				a.e2eN++
			}
		}
	}
	if !a.video {
		if a.ext.AudioLevel != 0 {
			if v := a.hdr.GetExtension(a.ext.AudioLevel); v != nil {
				if l, _, err := media.AudioLevel(v); err == nil {
					a.level += float64(l)
					a.levelN++
				}
			}
		}
		fire = a.frame(at, fire)
	} else {
		if fp, ok := media.KeyframeFingerprint(a.codec, payload); ok && a.lib != nil {
			if src, ok := a.lib.Recognize(fp); ok && src != a.source {
				a.source = src
				s := src
				fire = append(fire, func() { a.ev.Source(s) })
			}
		}
		if !a.haveTS || a.hdr.Timestamp != a.lastTS {
			a.haveTS, a.lastTS = true, a.hdr.Timestamp
		}
		if a.hdr.Marker {
			fire = a.frame(at, fire)
		}
	}
	a.mu.Unlock()
	for _, f := range fire {
		f()
	}
}

// frame counts one complete frame arriving at at; callers hold a.mu.
func (a *rxAnalysis) frame(at time.Time, fire []func()) []func() {
	a.frames++
	a.ivFrames++
	if !a.first {
		a.first = true
		fire = append(fire, func() { a.ev.FirstFrame(at) })
	} else if a.video {
		gap := at.Sub(a.lastFrame).Seconds()
		if a.frames > 10 {
			limit := max(3*a.meanIv, a.meanIv+0.150)
			if gap > limit {
				a.ivFreezes++
				a.ivFreezeMs += gap * 1000
				start, d := a.lastFrame, at.Sub(a.lastFrame)
				fire = append(fire, func() { a.ev.FreezeStart(start); a.ev.FreezeEnd(at, d) })
			}
		}
		if a.meanIv == 0 {
			a.meanIv = gap
		} else if gap < 1 {
			a.meanIv += (gap - a.meanIv) / 16
		}
	}
	a.lastFrame = at
	return fire
}

func (a *rxAnalysis) Snapshot(now time.Time) rxSnapshot {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := rxSnapshot{Frames: a.ivFrames, Freezes: a.ivFreezes, FreezeMs: a.ivFreezeMs, Source: a.source}
	if !a.lastSnap.IsZero() {
		if secs := now.Sub(a.lastSnap).Seconds(); secs > 0 && a.video {
			s.FPS = float64(a.ivFrames) / secs
		}
	}
	if a.e2eN > 0 {
		s.E2EMs = ptr(a.e2eSum / float64(a.e2eN))
	}
	if a.levelN > 0 {
		s.AudioLevel = ptr(a.level / float64(a.levelN))
	}
	a.lastSnap = now
	a.ivFrames, a.ivFreezes, a.ivFreezeMs, a.e2eSum, a.e2eN, a.level, a.levelN = 0, 0, 0, 0, 0, 0, 0
	return s
}
