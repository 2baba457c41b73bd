package quality

import (
	"math"
	"time"
)

// Codec is what the E-model needs of a voice codec.
type Codec struct {
	Name string
	// Ie is the equipment impairment factor without loss; Bpl the packet
	// loss robustness factor (G.113).
	Ie, Bpl float64
	// Delay is the codec's own delay: frame plus look-ahead.
	Delay time.Duration
}

// Codecs with E-model constants.
var (
	// Opus: Ie and Bpl of G.711 with PLC (see the package doc); 20 ms
	// frames plus 6.5 ms look-ahead.
	Opus = Codec{Name: "opus", Ie: 0, Bpl: 25.1, Delay: 26500 * time.Microsecond}
	// G711 with packet loss concealment (G.113 Appendix I), 20 ms frames.
	G711 = Codec{Name: "g711", Ie: 0, Bpl: 25.1, Delay: 20 * time.Millisecond}
)

// DefaultRoIs is Ro − Is with G.107's default parameters.
const DefaultRoIs = 93.2

// AudioInput is one interval of a received audio stream.
type AudioInput struct {
	// LossPct is the packet loss, 0–100 (Ppl).
	LossPct float64
	// MeanBurst is the mean length of the runs of lost packets (0 or 1:
	// no bursts).
	MeanBurst float64
	// OneWay is the one-way network delay (end-to-end latency measured
	// from abs-capture-time, or half the RTT).
	OneWay time.Duration
	// Jitter is the RFC 3550 interarrival jitter; the jitter buffer is
	// taken as twice it.
	Jitter time.Duration
}

// MouthToEar is Ta: one-way delay + jitter buffer (2 × jitter) + the
// codec's delay.
func (in AudioInput) MouthToEar(c Codec) time.Duration {
	return in.OneWay + 2*in.Jitter + c.Delay
}

// BurstRatio is G.107's BurstR for a loss fraction p (0–1) and the mean
// observed burst length: the mean burst divided by 1/(1 − p), the mean
// under random loss. It is 1 without loss or bursts.
func BurstRatio(p, meanBurst float64) float64 {
	if p <= 0 || meanBurst <= 1 {
		return 1
	}
	return max(1, meanBurst*(1-p))
}

// Idd is the absolute-delay impairment of G.107 §7.3 for mouth-to-ear
// delay ta (default sA = 1, mA = 100 ms).
func Idd(ta time.Duration) float64 {
	ms := float64(ta) / float64(time.Millisecond)
	if ms <= 100 {
		return 0
	}
	x := math.Log2(ms / 100)
	return 25 * (math.Pow(1+math.Pow(x, 6), 1.0/6) - 3*math.Pow(1+math.Pow(x/3, 6), 1.0/6) + 2)
}

// IeEff is the effective equipment impairment of c at packet loss ppl (%)
// with burst ratio burstR (G.107 §7.4).
func IeEff(c Codec, ppl, burstR float64) float64 {
	if ppl <= 0 {
		return c.Ie
	}
	if burstR < 1 {
		burstR = 1
	}
	return c.Ie + (95-c.Ie)*ppl/(ppl/burstR+c.Bpl)
}

// R is the E-model rating of one audio interval with codec c.
func R(in AudioInput, c Codec) float64 {
	p := in.LossPct / 100
	return DefaultRoIs - Idd(in.MouthToEar(c)) - IeEff(c, in.LossPct, BurstRatio(p, in.MeanBurst))
}

// MOS maps an R rating to the conversational MOS (G.107 Annex B).
func MOS(r float64) float64 {
	switch {
	case r < 0:
		return 1
	case r > 100:
		return 4.5
	}
	return 1 + 0.035*r + r*(r-60)*(100-r)*7e-6
}

// AudioMOS is MOS(R(in, c)).
func AudioMOS(in AudioInput, c Codec) float64 { return MOS(R(in, c)) }
