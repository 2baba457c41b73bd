package scenario

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestArrivalTimes(t *testing.T) {
	t.Parallel()
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		name string
		a    ArrivalConfig
		n    int
		want []time.Duration
	}{
		{"linear", ArrivalConfig{Shape: "linear", Rate: 4}, 4, ms(0, 250, 500, 750)},
		{"linear over", ArrivalConfig{Shape: "linear", Rate: 4, Over: Duration(3 * time.Second)}, 4, ms(0, 1000, 2000, 3000)},
		// from 0 to 2/s over 2s: N(t) = t²/2 → joins at 0, √2, then 2 + (2-2)/2=2s, 2.5s
		{"ramp", ArrivalConfig{Shape: "ramp", From: 0, Rate: 2, Over: Duration(2 * time.Second)}, 4, ms(0, 1414, 2000, 2500)},
		{"steps", ArrivalConfig{Shape: "steps", Steps: []RateStep{{Rate: 1, For: Duration(2 * time.Second)}, {Rate: 4}}}, 5, ms(0, 1000, 2000, 2250, 2500)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ArrivalTimes(tc.a, tc.n, 1)
			for i := range got {
				got[i] = got[i].Round(time.Millisecond)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
	t.Run("poisson", func(t *testing.T) {
		t.Parallel()
		a := ArrivalConfig{Shape: "poisson", Rate: 50}
		got := ArrivalTimes(a, 2000, 9)
		if d := cmp.Diff(got, ArrivalTimes(a, 2000, 9)); d != "" {
			t.Fatal("same seed, different arrivals")
		}
		mean := got[len(got)-1].Seconds() / float64(len(got)-1)
		if mean < 0.018 || mean > 0.022 {
			t.Errorf("mean gap %.4fs, want about 0.02s", mean)
		}
	})
}

const planScenario = `
seed: 3
duration: 60s
rooms: 2
groups:
  - {name: h, per_room: 3}
  - {name: late, count: 2, join: manual}
arrival: {rate: 10}
timeline:
  - {at: 5s, action: start, users: "group:late", spread: 1s}
  - {at: 6s, action: mark, name: m}
  - {at: 7s, action: block_audio, users: "group:h[1]", remote: "room:1001"}
behaviour:
  talk: {users: "group:h"}
  camera: {users: "group:h", mean_on: 5s, mean_off: 2s}
  churn: {users: "group:late", mean_online: 10s, mean_offline: 2s}
`

func TestPlan(t *testing.T) {
	t.Parallel()
	c, err := Parse("p.yaml", []byte(planScenario))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(c)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := Parse("p.yaml", []byte(planScenario))
	p2, _ := NewPlan(c2)
	if d := cmp.Diff(p.Actions, p2.Actions); d != "" {
		t.Fatalf("same seed, different plans:\n%s", d)
	}
	var starts []string
	speaking := map[string]map[string]bool{}
	last := time.Duration(0)
	for _, a := range p.Actions {
		if a.At < last {
			t.Fatalf("actions not sorted at %v", a)
		}
		last = a.At
		if a.Name == "start" && a.Source != "churn" {
			starts = append(starts, a.User+"@"+a.At.String())
		}
		if a.Source == "talk" {
			room := p.User(a.User).Room.Name()
			if speaking[room] == nil {
				speaking[room] = map[string]bool{}
			}
			speaking[room][a.User] = a.Name == "unmute"
			n := 0
			for _, on := range speaking[room] {
				if on {
					n++
				}
			}
			if n > 2 {
				t.Fatalf("%d speakers in room %s at %v", n, room, a.At)
			}
		}
		if a.Name == "block_audio" && strings.Join(a.Remote, ",") != "h-2,h-3,late-1" {
			t.Errorf("block remote = %v", a.Remote)
		}
	}
	want := []string{"h-1@0s", "h-2@100ms", "h-3@200ms", "h-4@300ms", "h-5@400ms", "h-6@500ms", "late-1@5s", "late-2@6s"}
	if d := cmp.Diff(want, starts); d != "" {
		t.Errorf("starts (-want +got)\n%s", d)
	}
	counts := map[string]int{}
	for _, a := range p.Actions {
		counts[a.Source]++
	}
	if counts["talk"] < 50 || counts["camera"] < 10 || counts["churn"] < 2 {
		t.Errorf("behaviour produced too few actions: %v", counts)
	}
	var b strings.Builder
	if _, err := p.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `scenario "scenario": 8 users in 2 rooms, 1m0s, seed 3`) || !strings.Contains(b.String(), "     6.000s  mark          m (timeline[1])") {
		t.Errorf("plan printout:\n%s", b.String()[:min(600, b.Len())])
	}
}
