package quality

import (
	"math"
	"testing"
	"time"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4f, want %.4f ± %g", what, got, want, tol)
	}
}

// The R→MOS mapping at the points G.107 Annex B tabulates (Figure B.1 /
// G.109's category boundaries: R 90, 80, 70, 60, 50 ↔ MOS 4.34, 4.03, 3.60,
// 3.10, 2.58) and the default rating 93.2 ↔ 4.41.
func TestMOSAnnexB(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ r, mos float64 }{{93.2, 4.41}, {90, 4.34}, {80, 4.03}, {70, 3.60}, {60, 3.10}, {50, 2.58}, {-5, 1}, {120, 4.5}} {
		near(t, "MOS", MOS(c.r), c.mos, 0.01)
	}
}

// Ie,eff with G.711+PLC constants (Ie 0, Bpl 25.1): G.113's worked figures
// follow from §7.4 — at 1 % random loss 95·1/(1+25.1) = 3.64, at 5 %
// 95·5/30.1 = 15.78; bursts (BurstR 2) weigh more: 95·5/(2.5+25.1) = 17.21.
func TestIeEffG711(t *testing.T) {
	t.Parallel()
	near(t, "Ie,eff 0 %", IeEff(G711, 0, 1), 0, 1e-9)
	near(t, "Ie,eff 1 %", IeEff(G711, 1, 1), 3.640, 0.001)
	near(t, "Ie,eff 5 %", IeEff(G711, 5, 1), 15.781, 0.001)
	near(t, "Ie,eff 5 % bursty", IeEff(G711, 5, 2), 17.210, 0.001)
}

// Idd: 0 up to 100 ms; at 200 ms X = 1 and Idd = 25·(2^⅙ − 3·(1+1/729)^⅙ + 2)
// = 25·(1.122462 − 3.000686 + 2) = 3.0444; at 400 ms (X = 2)
// 25·(65^⅙ − 3·(1+64/729)^⅙ + 2) = 25·(2.005175 − 3.042371 + 2) = 24.07.
func TestIddG107(t *testing.T) {
	t.Parallel()
	near(t, "Idd(100 ms)", Idd(100*time.Millisecond), 0, 1e-9)
	near(t, "Idd(200 ms)", Idd(200*time.Millisecond), 3.0444, 0.001)
	near(t, "Idd(400 ms)", Idd(400*time.Millisecond), 24.07, 0.01)
	if Idd(300*time.Millisecond) <= Idd(200*time.Millisecond) {
		t.Error("Idd must grow with delay")
	}
}

func TestBurstRatio(t *testing.T) {
	t.Parallel()
	near(t, "no loss", BurstRatio(0, 3), 1, 0)
	near(t, "random", BurstRatio(0.1, 1), 1, 0)
	// Random loss at p = 0.2 gives runs of mean 1/(1−p) = 1.25: ratio 1.
	near(t, "random runs", BurstRatio(0.2, 1.25), 1, 1e-9)
	near(t, "bursts of 3 at 20 %", BurstRatio(0.2, 3), 2.4, 1e-9)
}

func TestAudioMOS(t *testing.T) {
	t.Parallel()
	clean := AudioInput{OneWay: time.Millisecond, Jitter: time.Millisecond}
	near(t, "loopback", AudioMOS(clean, Opus), 4.41, 0.01)
	lossy := clean
	lossy.LossPct = 5
	bursty := lossy
	bursty.MeanBurst = 3
	far := clean
	far.OneWay = 300 * time.Millisecond
	if !(AudioMOS(bursty, Opus) < AudioMOS(lossy, Opus) && AudioMOS(lossy, Opus) < AudioMOS(clean, Opus)) {
		t.Errorf("MOS clean %.2f, 5 %% %.2f, 5 %% bursty %.2f: want decreasing", AudioMOS(clean, Opus), AudioMOS(lossy, Opus), AudioMOS(bursty, Opus))
	}
	if AudioMOS(far, Opus) >= AudioMOS(clean, Opus)-0.1 {
		t.Errorf("300 ms one way: MOS %.2f, want clearly below %.2f", AudioMOS(far, Opus), AudioMOS(clean, Opus))
	}
	// 5 % random loss alone: R = 93.2 − 15.78 = 77.4 → MOS 3.90.
	near(t, "5 % random", AudioMOS(AudioInput{LossPct: 5}, Opus), MOS(93.2-15.781), 0.001)
}

func TestVideoScore(t *testing.T) {
	t.Parallel()
	near(t, "nothing", VideoScore(VideoInput{}), 1, 0)
	near(t, "1080p30", VideoScore(VideoInput{FPS: 30, Height: 1080}), 5, 1e-9)
	hd, sd, lowFPS, frozen := VideoScore(VideoInput{FPS: 30, Height: 720}), VideoScore(VideoInput{FPS: 30, Height: 360}),
		VideoScore(VideoInput{FPS: 8, Height: 360}), VideoScore(VideoInput{FPS: 30, Height: 360, FreezeFraction: 0.5})
	if !(hd > sd && sd > lowFPS && sd > frozen && frozen > 1) {
		t.Errorf("720p30 %.2f, 360p30 %.2f, 360p8 %.2f, 360p30 half frozen %.2f: want ordered", hd, sd, lowFPS, frozen)
	}
}
