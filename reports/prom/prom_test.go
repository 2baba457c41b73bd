package prom

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/roombot/roombot/reports"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestOutputCardinality: a thousand users make no more series than two,
// the figures are counted as the summary counts them, and no series is
// labelled by user or room.
func TestOutputCardinality(t *testing.T) {
	t.Parallel()
	series := func(users int) (int, *Output) {
		u := Users{Group: map[string]string{}, Target: map[string]int{}}
		for i := range users {
			g := []string{"hosts", "viewers"}[i%2]
			u.Group[fmt.Sprint("u", i)] = g
			u.Target[g]++
		}
		o := New("cap", "shard-0-of-2", u)
		jit := 3.0
		for i := range users {
			id := fmt.Sprint("u", i)
			o.WriteEvent(reports.Event{User: id, Room: fmt.Sprint(1000 + i), Kind: reports.KindRoom, Event: reports.EvEntered, Value: 120})
			o.WriteEvent(reports.Event{User: id, Kind: reports.KindAction, Event: "mute"})
			o.WriteSample(reports.Sample{User: id, RxKbps: 300, RxPackets: 10, JitterMs: &jit})
			o.WriteSample(reports.Sample{User: id}) // nothing expected: no loss figure
		}
		o.WriteEvent(reports.Event{User: "u0", Kind: reports.KindRoom, Event: reports.EvLeft})
		o.WriteEvent(reports.Event{User: "u0", Kind: reports.KindRoom, Event: reports.EvEnterFailed, Code: -100018})
		fams, err := o.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range fams {
			for _, m := range f.Metric {
				n++
				for _, l := range m.Label {
					if l.GetName() == "user" || l.GetName() == "room" {
						t.Fatalf("%s labelled by %s", f.GetName(), l.GetName())
					}
				}
			}
		}
		return n, o
	}
	small, _ := series(2)
	big, o := series(1000)
	if small != big {
		t.Errorf("2 users make %d series, 1000 make %d", small, big)
	}
	srv, err := Serve("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	resp, err := http.Get(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	for _, want := range []string{
		`roombot_bots_joined{group="hosts",scenario="cap",shard="shard-0-of-2"} 499`,
		`roombot_bots_target{group="viewers",scenario="cap",shard="shard-0-of-2"} 500`,
		`roombot_joins_total{code="1018",group="hosts",scenario="cap",shard="shard-0-of-2"} 500`,
		`roombot_joins_total{code="-100018",group="hosts",scenario="cap",shard="shard-0-of-2"} 1`,
		`roombot_errors_total{code="-100018",group="hosts",scenario="cap",shard="shard-0-of-2"} 1`,
		`roombot_actions_total{action="mute",group="viewers",result="ok",scenario="cap",shard="shard-0-of-2"} 500`,
		`roombot_bitrate_in_kbps_count{group="hosts",scenario="cap",shard="shard-0-of-2"} 1000`,
		`roombot_loss_percent_count{group="hosts",scenario="cap",shard="shard-0-of-2"} 500`,
		`roombot_jitter_ms_sum{group="viewers",scenario="cap",shard="shard-0-of-2"} 1500`,
	} {
		if !strings.Contains(page, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
