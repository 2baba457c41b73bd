package rx

import (
	"time"

	"github.com/roombot/roombot/media"
)

// Option configures an Analyzer.
type Option func(*Analyzer)

// WithExtensions sets the negotiated header extension IDs (also settable
// later with SetExtensions).
func WithExtensions(e media.Extensions) Option { return func(a *Analyzer) { a.ext = e } }

// WithRecognizer enables camera recognition from keyframe fingerprints,
// e.g. WithRecognizer(lib.Recognize).
func WithRecognizer(r Recognizer) Option { return func(a *Analyzer) { a.recognize = r } }

// WithFreezeHandler is called when a freeze ends (End set, counted) and,
// from CheckFreeze/Snapshot, when one is seen to be ongoing (End zero).
func WithFreezeHandler(fn func(Freeze)) Option { return func(a *Analyzer) { a.onFreeze = fn } }

// WithFirstFrameHandler is called once, when the first frame completes.
func WithFirstFrameHandler(fn func(at time.Time)) Option {
	return func(a *Analyzer) { a.onFirstFrame = fn }
}

// WithSourceHandler is called when the recognised camera changes.
func WithSourceHandler(fn func(source string)) Option { return func(a *Analyzer) { a.onSource = fn } }

// WithKeyframeRequester is called (outside the analyzer's lock) when the
// decoder model needs a keyframe: a frame was lost or undecodable and no
// keyframe has come since; at most once per keyframe-request interval while
// it waits. A bot answers it with a PLI, as a client does.
func WithKeyframeRequester(fn func()) Option { return func(a *Analyzer) { a.onKeyframe = fn } }

// WithRepairWindow sets how long the decoder model waits for the missing
// packets of an incomplete frame (NACK repairs) before it drops the frame;
// it must be positive (default DefaultRepairWindow).
func WithRepairWindow(d time.Duration) Option {
	return func(a *Analyzer) {
		if d > 0 {
			a.dec.window = d
		}
	}
}

// WithKeyframeRequestInterval sets the least time between two keyframe
// requests while the decoder model waits for a keyframe; it must be
// positive (default DefaultKeyframeRequestInterval).
func WithKeyframeRequestInterval(d time.Duration) Option {
	return func(a *Analyzer) {
		if d > 0 {
			a.dec.kfEvery = d
		}
	}
}
