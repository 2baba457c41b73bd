package html

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// drillDataset: six bots in two groups; "bad" has 216 ms RTT (the others
// 20 ms), a freeze of a's video and an error.
func drillDataset() *reports.Dataset {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	users := []string{"a", "b", "c", "d", "e", "bad"}
	d := &reports.Dataset{Info: reports.RunInfo{Started: t0, Ended: at(30),
		Groups: map[string][]string{"hosts": {"a", "b", "c"}, "viewers": {"d", "e", "bad"}}}}
	for _, u := range users {
		d.Events = append(d.Events, reports.Event{Time: at(1), User: u, Room: "1", Kind: reports.KindRoom, Event: reports.EvEntered, Code: 1018, Value: 100})
	}
	d.Events = append(d.Events,
		reports.Event{Time: at(9), User: "bad", Room: "1", Kind: reports.KindMedia, Event: reports.EvFreezeStart, Remote: "a", Track: "video"},
		reports.Event{Time: at(9.8), User: "bad", Room: "1", Kind: reports.KindMedia, Event: reports.EvFreezeEnd, Remote: "a", Track: "video", Value: 800},
		reports.Event{Time: at(12), User: "bad", Room: "1", Kind: reports.KindRoom, Event: reports.EvError, Code: -100018, Message: "refused"})
	for s := 2; s < 30; s++ {
		for _, u := range users {
			rtt := 20.0
			if u == "bad" {
				rtt = 216
			}
			loss := 0.0
			d.Samples = append(d.Samples, reports.Sample{Time: at(float64(s)), User: u, Room: "1", RTTMs: &rtt, RxPackets: 50, RxExpected: 50,
				Tracks: []reports.TrackSample{
					{Dir: reports.Tx, Kind: "video", Kbps: 500, RTTMs: &rtt},
					{Dir: reports.Rx, Kind: "video", Remote: "a", Kbps: 480, FPS: 15, LossPct: &loss},
				}})
		}
	}
	return d
}

// TestDrillDown (issue 8, item 16): the report answers "what happened to
// user X": a per-group table, an outliers table that names the one impaired
// bot the medians hide, and a drill-down per bot with its tracks and its
// events in order, codes named.
func TestDrillDown(t *testing.T) {
	t.Parallel()
	d := drillDataset()
	sum := summary.Compute(d)
	if len(sum.Groups) != 2 || sum.Groups[1].Group != "viewers" || sum.Groups[1].Users != 3 || sum.Groups[1].Stats.FreezeN != 1 {
		t.Fatalf("groups %+v", sum.Groups)
	}
	var b bytes.Buffer
	if err := Write(&b, d, sum); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	i := strings.Index(page, `id="outliers"`)
	j := strings.Index(page, `id="users"`)
	if i < 0 || j < i || !strings.Contains(page[i:j], `<a href="#user-bad">bad</a></td><td class="n">216 ms</td><td class="n">20 ms</td>`) {
		t.Errorf("outliers table does not name bad's 216 ms RTT against the 20 ms median:\n%s", page[max(i, 0):max(j, 0)])
	}
	k := strings.Index(page, `<details id="user-bad">`)
	if k < 0 {
		t.Fatal("no drill-down for bad")
	}
	bad := page[k : k+strings.Index(page[k:], "</details>")]
	for _, want := range []string{"(group viewers)", "1 freeze(s)", "RTT p95 216 ms",
		"<td>a</td><td>video</td>", // what it received, from whom
		"freeze_start", "freeze_end", "800 ms", "-100018 userSig check failed", "refused"} {
		if !strings.Contains(bad, want) {
			t.Errorf("bad's drill-down lacks %q:\n%s", want, bad)
		}
	}
	if strings.Index(bad, "freeze_start") > strings.Index(bad, "-100018") {
		t.Errorf("events not in order")
	}
}
