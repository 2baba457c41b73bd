package bot

import (
	"fmt"
	"log/slog"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/roombot/roombot/bot/netem"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signaling/native"
)

// figureAcc sums what one group of bots reported during the window.
type figureAcc struct {
	mu                  sync.Mutex
	samples             int
	rxKbps, txKbps, fps float64
	lost                int64
	expected            uint64
	jitter              []float64 // rx audio, ms
	afterRepair         []float64 // tx video, %
	rtx, nacked         uint64
	frames              uint64
}

func (f *figureAcc) add(s reports.Sample) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.samples++
	f.rxKbps += s.RxKbps
	f.txKbps += s.TxKbps
	f.fps += s.FPS
	f.lost += s.RxLost
	f.expected += s.RxExpected
	f.rtx += s.TxRetransmittedPackets
	for _, t := range s.Tracks {
		switch {
		case t.Dir == reports.Rx && t.Kind == "audio" && t.JitterMs != nil:
			f.jitter = append(f.jitter, *t.JitterMs)
		case t.Dir == reports.Rx && t.Kind == "video":
			f.frames += t.Frames
		case t.Dir == reports.Tx && t.Kind == "video" && t.LossAfterRepairPct != nil:
			f.afterRepair = append(f.afterRepair, *t.LossAfterRepairPct)
		}
		if t.Dir == reports.Tx {
			f.nacked += t.Nacked
		}
	}
}

// figures are the group's means: what the comparison looks at.
type figures struct {
	samples                                  int
	rxKbps, txKbps, fps, lossPct, jitterMs   float64
	afterRepairPct, rtxPerSample, framesPerS float64
}

func (f *figureAcc) figures() figures {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := float64(max(f.samples, 1))
	return figures{samples: f.samples, rxKbps: f.rxKbps / n, txKbps: f.txKbps / n, fps: f.fps / n,
		lossPct: 100 * float64(f.lost) / float64(max(f.expected, 1)), jitterMs: avg(f.jitter),
		afterRepairPct: avg(f.afterRepair), rtxPerSample: float64(f.rtx) / n, framesPerS: float64(f.frames) / n}
}

// BenchmarkBotsFigures runs the same rooms twice in one run — half the bots
// with the cost savings of issue 12 (NACK history without copies), half
// without them (WithNackHistoryCopy) — against one reference service in a
// child process, every bot sending through 5 % seeded loss (bot i of each
// half has the same seed) so that NACK repair is exercised. It fails when a
// reported figure differs between the halves beyond what two runs of the
// same thing differ by, or when no media flowed (the server's own counts).
// GC settings are process-wide and change no figure by construction. Run:
//
//	go test -run '^$' -bench BenchmarkBotsFigures -benchtime 1x ./bot/
//
// Knobs: ROOMS per half (default 10, rooms of two), WINDOW (seconds, 15).
func BenchmarkBotsFigures(b *testing.B) {
	rooms, window := benchEnv(b, "ROOMS", 10), benchEnv(b, "WINDOW", 15)
	for i := 0; i < b.N; i++ {
		benchFigures(b, rooms, time.Duration(window)*time.Second)
	}
}

func benchFigures(b *testing.B, rooms int, window time.Duration) {
	url, _ := startBenchServer(b)
	newHost, err := NewHost()
	if err != nil {
		b.Fatal(err)
	}
	defer newHost.Close()
	oldHost, err := NewHost(WithNackHistoryCopy(true))
	if err != nil {
		b.Fatal(err)
	}
	defer oldHost.Close()
	var measuring sync.Mutex
	on := false
	groups := [2]*figureAcc{{}, {}}
	var bots []*Bot
	for g, host := range []*Host{newHost, oldHost} {
		acc := groups[g]
		sink := reports.SinkFunc{Sample: func(s reports.Sample) {
			measuring.Lock()
			m := on
			measuring.Unlock()
			if m {
				acc.add(s)
			}
		}}
		for i := range 2 * rooms {
			lossy, err := netem.New(netem.Config{SendLoss: 0.05, Seed: int64(1000 + i)})
			if err != nil {
				b.Fatal(err)
			}
			defer lossy.Close()
			bot, err := New(Config{SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey,
				UserID: fmt.Sprintf("g%du%d", g, i), RoomID: uint32(1000*(g+1) + i/2)},
				WithDriver(native.New(url, native.WithLogger(slog.New(slog.DiscardHandler)))), WithHost(host), WithSink(sink), WithNet(lossy))
			if err != nil {
				b.Fatal(err)
			}
			bots = append(bots, bot)
		}
	}
	defer startBenchBots(b, bots)()
	time.Sleep(benchWarmup) // first frames and NACK state; nothing to wait on but time
	in0, out0 := serverPackets(b, url)
	measuring.Lock()
	on = true
	measuring.Unlock()
	time.Sleep(window)
	measuring.Lock()
	on = false
	measuring.Unlock()
	in1, out1 := serverPackets(b, url)
	if in1 == in0 || out1 == out0 {
		b.Fatalf("the server counted %d RTP packets from the bots and %d to them in the window: no media flowed", in1-in0, out1-out0)
	}
	fn, fo := groups[0].figures(), groups[1].figures()
	b.Logf("server: %d RTP packets from the bots, %d to them; load average %s", in1-in0, out1-out0, loadAvg())
	// One line per half (a benchmark's log is cut after ten lines).
	for i, f := range []figures{fn, fo} {
		b.Logf("%s: %d samples; per bot and sample: rx %.1f kbps, tx %.1f kbps, %.2f fps, %.2f video frames, rx loss %.2f %%, "+
			"rx audio jitter %.2f ms, tx video loss after repair %.2f %%, %.2f packets retransmitted",
			[]string{"with the savings", "without (before)"}[i], f.samples, f.rxKbps, f.txKbps, f.fps, f.framesPerS, f.lossPct,
			f.jitterMs, f.afterRepairPct, f.rtxPerSample)
	}
	for _, f := range []figures{fn, fo} {
		if f.samples == 0 || f.rxKbps == 0 || f.rtxPerSample == 0 {
			b.Fatalf("a half reported no media or no repair (%+v): nothing to compare", f)
		}
	}
	// Two halves of the same thing differ by chance: loss is 5 % of a few
	// thousand packets per bot, so allow what that noise allows.
	near := func(name string, a, c, rel, abs float64) {
		if d := math.Abs(a - c); d > abs && d > rel*math.Max(math.Abs(a), math.Abs(c)) {
			b.Errorf("%s: %.3f with the savings, %.3f without (differ by %.3f; allowed %.0f %% or %.2f)", name, a, c, d, 100*rel, abs)
		}
	}
	near("rx kbps", fn.rxKbps, fo.rxKbps, 0.05, 5)
	near("tx kbps", fn.txKbps, fo.txKbps, 0.05, 5)
	near("fps", fn.fps, fo.fps, 0.05, 0.5)
	near("video frames received", fn.framesPerS, fo.framesPerS, 0.05, 1)
	near("rx loss %", fn.lossPct, fo.lossPct, 0.25, 0.5)
	near("rx audio jitter ms", fn.jitterMs, fo.jitterMs, 0.25, 0.5)
	near("tx video loss after repair %", fn.afterRepairPct, fo.afterRepairPct, 0.5, 0.5)
	near("tx retransmitted packets", fn.rtxPerSample, fo.rtxPerSample, 0.25, 2)
	b.ReportMetric(fn.lossPct, "loss%-on")
	b.ReportMetric(fo.lossPct, "loss%-off")
	b.ReportMetric(fn.afterRepairPct, "repaired-loss%-on")
	b.ReportMetric(fo.afterRepairPct, "repaired-loss%-off")
}
