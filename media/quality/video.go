package quality

import "math"

// VideoInput is one interval of a received video stream, from what the
// decoder model rendered.
type VideoInput struct {
	// FPS is rendered frames per second; FreezeFraction the share of the
	// interval spent frozen (W3C freezes), 0–1; Height the picture height
	// in pixels (0: unknown).
	FPS, FreezeFraction float64
	Height              int
}

// VideoScore is roombot's 1–5 video quality score (higher is better), a
// product of three factors in [0, 1]:
//
//	resolution  log₂(height/90) / log₂(1080/90)   (90p → 0, 1080p → 1;
//	            1 when unknown, so that the score then judges motion only)
//	smoothness  log(1 + fps) / log(31)            (30 fps → 1)
//	continuity  1 − freeze fraction
//	score       1 + 4 · resolution^0.5 · smoothness · continuity
//
// It is a relative figure for comparing runs and users, not a perceptual
// model (ITU-T P.1203 needs the bitstream and a trained model); nothing
// rendered scores 1. The square root keeps a sharp low-resolution stream
// (the 180p fixture: 0.68) from scoring as badly as a frozen one.
func VideoScore(in VideoInput) float64 {
	if in.FPS <= 0 {
		return 1
	}
	res := 1.0
	if in.Height > 0 {
		res = clamp01(math.Log2(float64(in.Height)/90) / math.Log2(1080.0/90))
	}
	smooth := clamp01(math.Log1p(in.FPS) / math.Log(31))
	cont := clamp01(1 - in.FreezeFraction)
	return 1 + 4*math.Sqrt(res)*smooth*cont
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
