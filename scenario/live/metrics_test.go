package live

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/scenario"
)

// scrape is one read of /metrics and the local times around it.
type scrape struct {
	before, after time.Time
	fams          map[string]*dto.MetricFamily
}

// value sums the series of family name whose labels include want
// (counter, gauge, or a histogram's count or sum).
func (s scrape) value(name string, want map[string]string, hist string) (float64, bool) {
	f, ok := s.fams[name]
	if !ok {
		return 0, false
	}
	total, found := 0.0, false
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		found = true
		switch {
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		case m.Histogram != nil && hist == "count":
			total += float64(m.Histogram.GetSampleCount())
		case m.Histogram != nil:
			total += m.Histogram.GetSampleSum()
		}
	}
	return total, found
}

// TestMetricsDuringRun scrapes /metrics while a real run goes and checks
// every scrape against the run directory written by the same run: a
// counter read between two instants lies between the lines stamped
// before the first (less a small allowance for lines stamped but not yet
// written) and those stamped before the second.
func TestMetricsDuringRun(t *testing.T) {
	c, err := scenario.Parse("e2e.yaml", []byte(e2eScenario))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "run")
	urls := make(chan string, 1)
	var scrapes []scrape
	var wg sync.WaitGroup
	ctx, stop := context.WithCancel(context.Background())
	wg.Add(1)
	go func() {
		defer wg.Done()
		var url string
		select {
		case url = <-urls:
		case <-ctx.Done():
			return
		}
		for ctx.Err() == nil {
			s := scrape{before: time.Now()}
			resp, err := http.Get(url)
			if err != nil {
				return // the run ended and stopped serving
			}
			p := expfmt.NewTextParser(model.UTF8Validation)
			s.fams, err = p.TextToMetricFamilies(resp.Body)
			resp.Body.Close()
			s.after = time.Now()
			if err != nil {
				t.Errorf("parse /metrics: %v", err)
				return
			}
			scrapes = append(scrapes, s)
			time.Sleep(400 * time.Millisecond)
		}
	}()
	_, err = Run(context.Background(), c, Options{Out: out, Dist: Dist{MetricsAddr: "127.0.0.1:0", OnMetrics: func(u string) { urls <- u }}})
	stop()
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	ds, err := reports.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(scrapes) < 10 {
		t.Fatalf("%d scrapes in an 8 s run", len(scrapes))
	}
	group := map[string]string{"h-1": "h", "h-2": "h", "h-3": "h", "h-4": "h", "late-1": "late"}
	const slack = 50 * time.Millisecond
	count := func(upto time.Time, f func(reports.Event) bool) (n float64) {
		for _, e := range ds.Events {
			if !e.Time.After(upto) && f(e) {
				n++
			}
		}
		return n
	}
	samples := func(upto time.Time, grp string, v func(reports.Sample) (float64, bool)) (n, sum float64) {
		for _, s := range ds.Samples {
			if x, ok := v(s); ok && !s.Time.After(upto) && group[s.User] == grp {
				n++
				sum += x
			}
		}
		return n, sum
	}
	between := func(i int, what string, got, lo, hi float64) {
		if got < lo-1e-6 || got > hi+1e-6 {
			t.Errorf("scrape %d (%s): %s = %v, run directory says %v..%v", i, scrapes[i].before.Format("15:04:05.000"), what, got, lo, hi)
		}
	}
	sawMedia, sawJoins := false, false
	for i, s := range scrapes {
		lo, hi := s.before.Add(-slack), s.after
		for _, k := range []struct {
			grp, code string
			ev        func(reports.Event) bool
		}{
			{"h", "1018", func(e reports.Event) bool { return e.Event == reports.EvEntered && group[e.User] == "h" }},
			{"late", "1018", func(e reports.Event) bool { return e.Event == reports.EvEntered && group[e.User] == "late" }},
			{"late", "-100018", func(e reports.Event) bool { return e.Event == reports.EvEnterFailed && e.Code == -100018 }},
		} {
			got, _ := s.value("roombot_joins_total", map[string]string{"group": k.grp, "code": k.code, "scenario": "e2e"}, "")
			between(i, fmt.Sprintf("joins{%s,%s}", k.grp, k.code), got, count(lo, k.ev), count(hi, k.ev))
			sawJoins = sawJoins || got > 0
		}
		acts := func(e reports.Event) bool { return e.Kind == reports.KindAction }
		got, _ := s.value("roombot_actions_total", nil, "")
		between(i, "actions", got, count(lo, acts), count(hi, acts))
		for _, h := range []struct {
			name string
			v    func(reports.Sample) (float64, bool)
		}{
			{"roombot_bitrate_in_kbps", func(s reports.Sample) (float64, bool) { return s.RxKbps, true }},
			{"roombot_bitrate_out_kbps", func(s reports.Sample) (float64, bool) { return s.TxKbps, true }},
			{"roombot_loss_percent", func(s reports.Sample) (float64, bool) { return s.RxLossPct, s.RxPackets > 0 || s.RxLost > 0 }},
			{"roombot_jitter_ms", func(s reports.Sample) (float64, bool) { return ptr(s.JitterMs) }},
			{"roombot_rtt_ms", func(s reports.Sample) (float64, bool) { return ptr(s.RTTMs) }},
			{"roombot_mos", func(s reports.Sample) (float64, bool) { return ptr(s.MOS) }},
			{"roombot_video_score", func(s reports.Sample) (float64, bool) { return ptr(s.VideoScore) }},
		} {
			n, _ := s.value(h.name, map[string]string{"group": "h"}, "count")
			sum, _ := s.value(h.name, map[string]string{"group": "h"}, "sum")
			nLo, sumLo := samples(lo, "h", h.v)
			nHi, sumHi := samples(hi, "h", h.v)
			between(i, h.name+" count", n, nLo, nHi)
			between(i, h.name+" sum", sum, sumLo, sumHi)
			sawMedia = sawMedia || (h.name == "roombot_bitrate_in_kbps" && sum > 0)
		}
		// frame rate per received video track, as the assertions count it
		fpsN, fpsSum := [2]float64{}, [2]float64{}
		for k, upto := range []time.Time{lo, hi} {
			for _, smp := range ds.Samples {
				if group[smp.User] != "h" || smp.Time.After(upto) {
					continue
				}
				for _, tr := range smp.Tracks {
					if tr.Dir == reports.Rx && tr.Kind == "video" {
						fpsN[k]++
						fpsSum[k] += tr.FPS
					}
				}
			}
		}
		n, _ := s.value("roombot_fps", map[string]string{"group": "h"}, "count")
		sum, _ := s.value("roombot_fps", map[string]string{"group": "h"}, "sum")
		between(i, "fps count", n, fpsN[0], fpsN[1])
		between(i, "fps sum", sum, fpsSum[0], fpsSum[1])
		// generator CPU: the value of the last health second before the
		// scrape (or the one before it, when the scrape fell between the
		// gauge's update and the event's write)
		var cpus []float64
		for _, e := range ds.Events {
			if e.Kind == reports.KindHealth && e.Event == reports.EvHealthCPU && !e.Time.After(hi) {
				cpus = append(cpus, e.Value)
			}
		}
		if cpu, ok := s.value("roombot_generator_cpu_percent", nil, ""); ok && len(cpus) > 0 {
			if k := len(cpus); cpu != cpus[k-1] && (k < 2 || cpu != cpus[k-2]) && !(k == 1 && cpu == 0) {
				t.Errorf("scrape %d: generator CPU %v, health events say %v", i, cpu, cpus[max(0, k-2):])
			}
		}
		// bots in the room: compare where no join or leave is near the scrape
		inOut := func(e reports.Event) bool {
			return group[e.User] == "h" && (e.Event == reports.EvEntered || e.Event == reports.EvLeft || e.Event == reports.EvKicked)
		}
		if count(hi.Add(300*time.Millisecond), inOut) == count(lo.Add(-300*time.Millisecond), inOut) {
			joined := count(hi, func(e reports.Event) bool { return group[e.User] == "h" && e.Event == reports.EvEntered }) -
				count(hi, func(e reports.Event) bool {
					return group[e.User] == "h" && (e.Event == reports.EvLeft || e.Event == reports.EvKicked)
				})
			got, _ := s.value("roombot_bots_joined", map[string]string{"group": "h"}, "")
			between(i, "bots_joined{h}", got, joined, joined)
		}
		if tgt, ok := s.value("roombot_bots_target", map[string]string{"group": "h"}, ""); !ok || tgt != 4 {
			t.Errorf("scrape %d: bots_target{h} = %v, want 4", i, tgt)
		}
		for name, f := range s.fams {
			for _, m := range f.Metric {
				for _, l := range m.Label {
					if l.GetName() == "user" || l.GetName() == "room" {
						t.Fatalf("%s is labelled by %s", name, l.GetName())
					}
				}
			}
		}
	}
	if n, _ := scrapes[len(scrapes)-1].value("roombot_mos", map[string]string{"group": "h"}, "count"); n == 0 {
		t.Errorf("no MOS observed by the last scrape (the hosts receive audio)")
	}
	if !sawJoins || !sawMedia {
		t.Errorf("no scrape saw joins (%v) or received media (%v)", sawJoins, sawMedia)
	}
	last := scrapes[len(scrapes)-1]
	for _, n := range []string{"roombot_joins_total", "roombot_actions_total", "roombot_bots_joined"} {
		v, _ := scrapes[len(scrapes)/2].value(n, nil, "")
		t.Logf("mid-run %s = %v", n, v)
	}
	midN, _ := scrapes[len(scrapes)/2].value("roombot_bitrate_in_kbps", nil, "count")
	t.Logf("%d scrapes; mid-run bitrate_in samples %v", len(scrapes), midN)
	if cpu, ok := last.value("roombot_generator_cpu_percent", nil, ""); !ok || cpu <= 0 {
		t.Errorf("generator CPU %v (%v)", cpu, ok)
	}
	if n, _ := last.value("roombot_generator_action_lag_ms", nil, "count"); n == 0 {
		t.Errorf("no action lags observed by the last scrape")
	}
}

func ptr(v *float64) (float64, bool) {
	if v == nil {
		return 0, false
	}
	return *v, true
}
