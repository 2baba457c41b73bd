// Package quality scores what a participant hears and sees: an audio MOS
// from the ITU-T G.107 E-model and a video quality score from what a decoder
// rendered. It is pure arithmetic on measured figures (no I/O, no state).
//
// Audio (E-model, G.107 (06/2015) §7, default parameters):
//
//	R      = Ro − Is − Id − Ie,eff + A  with Ro − Is = 93.2 and A = 0
//	Id     = Idd(Ta), the absolute-delay impairment of §7.3:
//	         0 for Ta ≤ 100 ms, else 25·{(1+X⁶)^⅙ − 3·(1+(X/3)⁶)^⅙ + 2},
//	         X = log₂(Ta/100 ms); talker/listener echo (Idte, Idle) are
//	         left out: a WebRTC client cancels echo.
//	Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl/BurstR + Bpl)           (§7.4)
//	BurstR = mean observed loss burst / mean burst under random loss
//	       = mean burst · (1 − p); 1 for random loss (or none)
//	MOS    = 1 for R < 0; 4.5 for R > 100;
//	         else 1 + 0.035·R + R·(R − 60)·(100 − R)·7·10⁻⁶   (Annex B)
//
// Ta, the mouth-to-ear delay, is the one-way network delay plus the jitter
// buffer plus the codec's own delay: see AudioInput. Opus has no Ie or Bpl
// in ITU-T G.113; roombot uses Ie = 0 and Bpl = 25.1, the values of G.711
// with packet loss concealment (G.113 Appendix I): Opus at the fixture's
// 32 kbit/s is at least as good on the narrowband scale, and its
// concealment at least as robust. With no impairment R = 93.2 and MOS 4.41.
//
// Video: a 1–5 score from rendered frames (see VideoScore); roombot's own
// definition, documented there, not an ITU model.
package quality
