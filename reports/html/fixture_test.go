package html

import (
	"fmt"
	"math"
	"time"

	"github.com/roombot/roombot/reports"
)

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func ptr(f float64) *float64 { return &f }

// fixture is a deterministic run: bots in rooms of size per room, each
// entering over the first seconds, publishing and receiving for secs
// seconds, with a failed enter, a kick and a marked fault window.
func fixture(bots, per, secs int) *reports.Dataset {
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	d := &reports.Dataset{Info: reports.RunInfo{Name: "fixture", Scenario: "fixtures/scenarios/ci-smoke.yaml", Target: "embedded", Seed: 7,
		Started: t0, Ended: at(float64(secs)),
		Health: reports.Health{CPUPctAvg: 61, CPUPctMax: 93, Cores: 2, MediaLagP99Ms: 4, MediaLagMaxMs: 9, ActionLagP99Ms: 1, ActionLagMaxMs: 3, MaxRSSMB: 180},
		Checks: []reports.Check{
			{Name: "join time", Expr: "p(95) < 500ms", Metric: "join_time", Passed: true, Observed: 180, Unit: "ms", Message: "expected p(95) < 500ms, measured 180ms", Source: "ci-smoke.yaml:40"},
			{Name: "loss in fault window", Expr: "p(95) < 1%", Metric: "rx_loss", Window: "mark:fault..mark:heal", Passed: false, Observed: 4.8, Unit: "%", Message: "expected p(95) < 1%, measured 4.8%", Source: "ci-smoke.yaml:44"},
		}}}
	ev := func(s float64, user, room string, kind reports.Kind, name string, code int, v float64, msg string) {
		d.Events = append(d.Events, reports.Event{Time: at(s), User: user, Room: room, Kind: kind, Event: name, Code: code, Value: v, Message: msg})
	}
	ev(0, "", "", reports.KindRun, reports.EvRunStart, 0, 0, "")
	ev(float64(secs)/3, "", "", reports.KindRun, reports.EvMark, 0, 0, "fault")
	ev(float64(secs)*2/3, "", "", reports.KindRun, reports.EvMark, 0, 0, "heal")
	ev(float64(secs)/3, "", "", reports.KindAction, "fault", 0, 0, "drop")
	for s := 1; s <= secs; s++ {
		ev(float64(s), "", "", reports.KindHealth, reports.EvHealthCPU, 0, 30+float64(s%7), "")
		ev(float64(s), "", "", reports.KindHealth, reports.EvHealthMediaLag, 0, 1+float64(s%3), "")
	}
	ev(float64(secs)*2/3+1, "bot-1", "1001", reports.KindAction, "mute", 0, 0.3, "")
	ev(float64(secs)*2/3+1, "bot-2", "1001", reports.KindAction, "mute", 0, 0.2, "")
	for b := range bots {
		user, room := fmt.Sprintf("bot-%d", b+1), fmt.Sprint(1001+b/per)
		join := 0.2 + float64(b%10)*0.3
		if b == bots-1 {
			ev(join, user, room, reports.KindRoom, reports.EvEnterFailed, -100018, 40, "userSig check failed")
			continue
		}
		ev(join, user, room, reports.KindRoom, reports.EvEntered, 1018, 120+float64(b*17%200), "")
		ev(join+0.4, user, room, reports.KindIM, reports.EvLoginEvent, 0, 0, "")
		ev(join+0.9, user, room, reports.KindMedia, reports.EvFirstFrame, 0, 300+float64(b*31%400), "")
		if b == 2 {
			ev(float64(secs)/2, user, room, reports.KindRoom, reports.EvKicked, 0, 0, "kick")
		}
		for s := 1; s <= secs; s++ {
			fault := s > secs/3 && s <= secs*2/3
			loss := 0.0
			if fault {
				loss = float64((b+s)%6) + 0.5
			}
			rtt, jit := 20+float64((b*7+s)%15), 2+math.Abs(math.Sin(float64(b+s)))*6
			var e2e *float64
			if b%2 == 0 {
				e2e = ptr(60 + float64((b+s)%30))
			}
			fr := 0
			if fault && (b+s)%9 == 0 {
				fr = 1
				ev(float64(s)-0.25, user, room, reports.KindMedia, reports.EvFreezeStart, 0, 0, "")
				ev(float64(s), user, room, reports.KindMedia, reports.EvFreezeEnd, 0, 250, "")
			}
			d.Samples = append(d.Samples, reports.Sample{Time: at(float64(s)), User: user, Room: room, Interval: 1,
				TxKbps: 800 + float64((b*13+s*7)%200), RxKbps: float64(per-1) * (780 + float64((b+s)%90)), TxPackets: 90, RxPackets: 85,
				RxLost: int64(loss), RxExpected: 85 + uint64(loss), RxLossPct: loss, RTTMs: &rtt, JitterMs: &jit, FPS: 24 + float64((b+s)%7), Freezes: fr, E2EMs: e2e})
		}
	}
	ev(float64(secs), "", "", reports.KindRun, reports.EvRunEnd, 0, 0, "")
	return d
}
