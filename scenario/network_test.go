package scenario

import (
	"strings"
	"testing"
	"time"
)

func TestNetworkPresetsAndOverrides(t *testing.T) {
	t.Parallel()
	file := `duration: 60s
rooms: 1
groups:
  - {name: t, count: 1, user_id: teacher, network: 3g}
  - {name: s, count: 2, network: {preset: 4g, up: {loss_pct: 5, burst: 3}, signaling: true}}
  - {name: old, count: 1, network: {send_loss_pct: 2, delay: 40ms}}
timeline:
  - {at: 20s, action: network, users: "user:teacher", network: lossy-3g}
  - {at: 40s, action: network, users: "group:s", network: offline, for: 8s}
`
	c, err := Parse("f.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	n3g, errs := c.Groups[0].Network.Netem(1)
	if len(errs) > 0 || n3g.Up.Delay != 125*time.Millisecond || n3g.Up.Rate != 750_000 {
		t.Fatalf("3g: %+v %v", n3g, errs)
	}
	s, errs := c.Groups[1].Network.Netem(1)
	if len(errs) > 0 || s.Up.Loss != 0.05 || s.Up.Burst != 3 || s.Down.Loss != 0.005 || !s.Signaling || s.Up.Delay != 25*time.Millisecond {
		t.Fatalf("4g with overrides: %+v %v", s, errs)
	}
	old, errs := c.Groups[2].Network.Netem(1)
	if len(errs) > 0 || old.Up.Loss != 0.02 || old.Up.Delay != 40*time.Millisecond {
		t.Fatalf("older fields: %+v %v", old, errs)
	}
	p, err := NewPlan(c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range p.Actions {
		if a.Name == "network" {
			got = append(got, a.At.String()+" "+a.User+" "+a.Network.String()+" "+a.For.String())
		}
	}
	want := "20s teacher lossy-3g 0s,40s s-1 offline 8s,40s s-2 offline 8s"
	if strings.Join(got, ",") != want {
		t.Fatalf("network actions %v, want %s", got, want)
	}
}

func TestNetworkMistakes(t *testing.T) {
	t.Parallel()
	file := `duration: 30s
rooms: 1
groups:
  - {name: g, count: 1, network: 3gg}
  - {name: h, count: 1, network: {up: {loss_pct: 120, burst: 0.5}}}
timeline:
  - {at: 25s, action: network, users: all, network: offline, for: 8s}
  - {at: 5s, action: mute, users: all, for: 2s}
  - {at: 6s, action: network, users: all}
`
	_, err := Parse("f.yaml", []byte(file))
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`f.yaml:4:34: groups[0].network.preset: unknown network preset "3gg" (did you mean "3g"?)`,
		`f.yaml:5:50: groups[1].network.up.loss_pct: up.loss_pct 120 out of range (a percentage 0..100)`,
		`f.yaml:7:67: timeline[0].for: the network change ends after the end of the run (the run lasts 30s)`,
		`f.yaml:8:45: timeline[1].for: for is not used by action mute (for is for action network)`,
		`f.yaml:9:5: timeline[2]: network step without network: (add network: 3g (or offline, or a mapping))`,
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
