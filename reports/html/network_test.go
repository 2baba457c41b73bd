package html

import (
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

// Network changes (the timeline's network action) are drawn on the charts
// labelled with the network and who it hit, one label per change and second.
func TestChartsShowNetworkChanges(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	d := &reports.Dataset{Events: []reports.Event{
		{Time: at(20), User: "teacher", Kind: reports.KindAction, Event: "network", Message: "3g"},
		{Time: at(40), User: "s-1", Kind: reports.KindAction, Event: "network", Message: "offline for 8s"},
		{Time: at(40.3), User: "s-2", Kind: reports.KindAction, Event: "network", Message: "offline for 8s"},
	}}
	for s := 0; s < 60; s++ {
		d.Samples = append(d.Samples, reports.Sample{Time: at(float64(s)), User: "a", TxKbps: 500})
	}
	a := newAxis(t0, at(60))
	p := bandPlot(figures[0], reports.ColumnsOf(d), a, marksOf(d, a))
	p.acts = actsOf(d, a)
	svg := p.svg()
	for _, want := range []string{"<title>network 3g: teacher</title>", "<title>network offline for 8s: 2 users</title>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %s; acts %+v", want, p.acts)
		}
	}
}
