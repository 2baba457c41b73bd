package reports

import "math"

// The stream's precision. Measured figures are not known to 17 significant
// digits, and writing them so made a stats line a third longer and most of
// what reading a run back costs (issue 12). Rates (kbps), times (ms),
// percentages, scores, frame rates and levels keep 3 decimals (a bit per
// second, a microsecond, 0.001 pp); the interval keeps 6 (a microsecond).
const (
	figureDecimals   = 3
	intervalDecimals = 6
)

var (
	figureScale   = math.Pow10(figureDecimals)
	intervalScale = math.Pow10(intervalDecimals)
)

// roundTo rounds x to the decimals scale stands for. NaN and ±Inf are kept
// (the writer refuses them); -0 becomes 0.
func roundTo(x, scale float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) >= 1<<52/scale {
		return x
	}
	return math.Round(x*scale)/scale + 0
}

// ptrs holds the rounded values of a Sample's pointer fields in one
// allocation.
type ptrs []float64

func (b *ptrs) round(p *float64) *float64 {
	if p == nil {
		return nil
	}
	*b = append(*b, roundTo(*p, figureScale))
	return &(*b)[len(*b)-1]
}

// Rounded returns s with every figure rounded to the stream's precision
// (3 decimals; the interval 6), as stats.jsonl carries it. s is not
// changed: pointer fields (into one new slab) and tracks are copied. Rounding twice changes
// nothing.
func (s Sample) Rounded() Sample {
	f := figureScale
	// 5 pointer fields in the Sample, 9 in each track: the slab never
	// grows, so the pointers into it stay valid.
	slab := make(ptrs, 0, 5+9*len(s.Tracks))
	roundPtr := slab.round
	s.Interval = roundTo(s.Interval, intervalScale)
	s.TxKbps, s.RxKbps = roundTo(s.TxKbps, f), roundTo(s.RxKbps, f)
	s.RxLossPct = roundTo(s.RxLossPct, f)
	s.TxRetransmittedKbps = roundTo(s.TxRetransmittedKbps, f)
	s.RTTMs, s.JitterMs = roundPtr(s.RTTMs), roundPtr(s.JitterMs)
	s.FPS = roundTo(s.FPS, f)
	s.MOS, s.VideoScore = roundPtr(s.MOS), roundPtr(s.VideoScore)
	s.FreezeMs = roundTo(s.FreezeMs, f)
	s.E2EMs = roundPtr(s.E2EMs)
	if s.Tracks != nil {
		ts := make([]TrackSample, len(s.Tracks))
		for i, t := range s.Tracks {
			t.Kbps = roundTo(t.Kbps, f)
			t.LossPct, t.LossAfterRepairPct, t.LossBurst = roundPtr(t.LossPct), roundPtr(t.LossAfterRepairPct), roundPtr(t.LossBurst)
			t.RetransmittedKbps = roundTo(t.RetransmittedKbps, f)
			t.JitterMs, t.RTTMs = roundPtr(t.JitterMs), roundPtr(t.RTTMs)
			t.MOS, t.VideoScore = roundPtr(t.MOS), roundPtr(t.VideoScore)
			t.FPS, t.FreezeMs = roundTo(t.FPS, f), roundTo(t.FreezeMs, f)
			t.E2EMs, t.AudioLevel = roundPtr(t.E2EMs), roundPtr(t.AudioLevel)
			ts[i] = t
		}
		s.Tracks = ts
	}
	return s
}
