package bot

import (
	"time"

	"github.com/roombot/roombot/media/quality"
	"github.com/roombot/roombot/reports"
)

// scoreTrack sets the quality scores of one received track's interval
// (package media/quality has the formulas):
//   - audio: the E-model MOS from the interval's path loss and mean loss
//     burst, RFC 3550 jitter, and the one-way delay — the end-to-end latency
//     measured from abs-capture-time, or half the RTCP round trip when the
//     sender does not stamp it. Without a loss, jitter or delay measurement
//     in the interval there is no MOS (nil, never a guess).
//   - video: the video score from rendered fps, the share of the interval
//     spent in freezes that ended in it, and the picture height the stream
//     announced; nil until the height is known.
func scoreTrack(ts *reports.TrackSample, height int, secs float64) {
	switch ts.Kind {
	case "audio":
		if ts.LossPct == nil || ts.JitterMs == nil {
			return
		}
		var oneWay time.Duration
		switch {
		case ts.E2EMs != nil && *ts.E2EMs >= 0:
			oneWay = msDuration(*ts.E2EMs)
		case ts.RTTMs != nil:
			oneWay = msDuration(*ts.RTTMs / 2)
		default:
			return
		}
		in := quality.AudioInput{LossPct: *ts.LossPct, OneWay: oneWay, Jitter: msDuration(*ts.JitterMs)}
		if ts.LossBurst != nil {
			in.MeanBurst = *ts.LossBurst
		}
		ts.MOS = ptr(quality.AudioMOS(in, quality.Opus))
	case "video":
		if height <= 0 || secs <= 0 {
			return
		}
		frozen := min(ts.FreezeMs/(1000*secs), 1)
		ts.VideoScore = ptr(quality.VideoScore(quality.VideoInput{FPS: ts.FPS, FreezeFraction: frozen, Height: height}))
	}
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }
