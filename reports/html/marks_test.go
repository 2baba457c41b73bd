package html

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

// TestChartsShowActionsFaultsAndReadableMarks (issue 8, item 16): actions
// and faults are drawn on the charts (a fault labelled with its name, the
// actions of a second with a tooltip of what and how many), and mark labels
// close together go to different rows instead of overprinting.
func TestChartsShowActionsFaultsAndReadableMarks(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	d := &reports.Dataset{Events: []reports.Event{
		{Time: at(10), Kind: reports.KindRun, Event: reports.EvMark, Message: "camera-toggle"},
		{Time: at(10.5), Kind: reports.KindRun, Event: reports.EvMark, Message: "camera-done-and-a-very-long-mark-name"},
		{Time: at(12), Kind: reports.KindAction, Event: "fault", Message: "pause_media"},
		{Time: at(15), User: "a", Kind: reports.KindAction, Event: "mute"},
		{Time: at(15.2), User: "b", Kind: reports.KindAction, Event: "mute"},
		{Time: at(15.4), User: "b", Kind: reports.KindAction, Event: "camera_off"},
		{Time: at(1), User: "a", Kind: reports.KindAction, Event: "start"}, // joins have their own chart
	}}
	for s := 0; s < 30; s++ {
		d.Samples = append(d.Samples, reports.Sample{Time: at(float64(s)), User: "a", TxKbps: 500})
	}
	a := newAxis(t0, at(30))
	p := bandPlot(figures[0], reports.ColumnsOf(d), a, marksOf(d, a))
	p.acts = actsOf(d, a)
	svg := p.svg()
	if !strings.Contains(svg, `class="faultlabel"`) || !strings.Contains(svg, ">fault pause_media</text>") {
		t.Errorf("no labelled fault marker in the chart")
	}
	if !strings.Contains(svg, "<title>0:15: mute ×2, camera_off ×1</title>") {
		t.Errorf("no action marker with its tooltip; acts %+v", p.acts)
	}
	if strings.Contains(svg, "start ×") {
		t.Errorf("start actions drawn (they are the joins chart's)")
	}
	ys := map[string]bool{}
	for _, m := range regexp.MustCompile(`class="marklabel" x="[0-9.]+" y="([0-9]+)"`).FindAllStringSubmatch(svg, -1) {
		ys[m[1]] = true
	}
	if len(ys) != 2 {
		t.Errorf("two marks half a second apart share a label row (rows %v)", ys)
	}
	if !strings.Contains(svg, "camera-done-and-a-very-…") {
		t.Errorf("a long mark name is not shortened on the chart")
	}
}

// TestHealthOverTime: the generator's health events become two charts
// (CPU; action and media lag), the worst shard per bucket.
func TestHealthOverTime(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	d := &reports.Dataset{}
	for s := 1; s <= 10; s++ {
		d.Events = append(d.Events,
			reports.Event{Time: at(float64(s)), Kind: reports.KindHealth, Event: reports.EvHealthCPU, Value: float64(10 * s), Shard: "a"},
			reports.Event{Time: at(float64(s)), Kind: reports.KindHealth, Event: reports.EvHealthCPU, Value: 5, Shard: "b"},
			reports.Event{Time: at(float64(s)), Kind: reports.KindHealth, Event: reports.EvHealthMediaLag, Value: 2})
	}
	d.Events = append(d.Events, reports.Event{Time: at(7), Kind: reports.KindHealth, Event: reports.EvHealthActionLag, Value: 42})
	ps := healthPlots(d, newAxis(t0, at(11)), nil)
	cpu, lag := ps[0].layers[0], ps[1]
	if len(cpu.y) != 10 || cpu.y[9] != 100 {
		t.Errorf("cpu line %v, want 10 points ending at 100 (the worst shard)", cpu.y)
	}
	if al := layerNamed(lag, "action lag"); len(al.y) != 1 || al.y[0] != 42 {
		t.Errorf("action lag %v, want one point of 42", al.y)
	}
	if ml := layerNamed(lag, "media pacing lag"); len(ml.y) != 10 {
		t.Errorf("media lag %v, want 10 points", ml.y)
	}
}
