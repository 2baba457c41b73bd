package scenario

import (
	"errors"
	"strings"
	"testing"

	"github.com/roombot/roombot/signaling"
)

func TestTargetKinds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, target string
		kind         string
		embedded     bool
		err          string // "" = valid; else "line:col: message"
	}{
		{"none", "", TargetEmbedded, true, ""},
		{"url only is native", "target: {url: ws://127.0.0.1:1/ws}\n", TargetNative, false, ""},
		{"livekit", "target: {kind: livekit, url: ws://127.0.0.1:7880, api_key_env: K, api_secret_env: S}\n", "livekit", false, ""},
		{"embedded", "target: {kind: embedded}\n", TargetEmbedded, true, ""},
		{"embedded with url", "target: {kind: embedded, url: ws://127.0.0.1:1/ws}\n", "", false, "1:31: target.url: the embedded service has no URL"},
		{"kind without url", "target:\n  kind: livekit\n", "", false, "2:9: target.kind: target kind livekit needs a url"},
		{"bad kind", "target: {kind: \"Live Kit\", url: ws://127.0.0.1:1}\n", "", false, "1:16: target.kind: bad target kind"},
		{"bad url", "target: {kind: livekit, url: http://127.0.0.1:1}\n", "", false, "1:30: target.url: bad target URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("t.yaml", []byte(tc.target+"groups: [{name: g, count: 1}]\n"))
			if tc.err != "" {
				if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "t.yaml:"+tc.err) {
					t.Fatalf("err = %v; want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Target.KindName() != tc.kind || c.Target.Embedded() != tc.embedded {
				t.Errorf("kind %q embedded %v; want %q %v", c.Target.KindName(), c.Target.Embedded(), tc.kind, tc.embedded)
			}
		})
	}
}

func TestOverrideTarget(t *testing.T) {
	t.Parallel()
	src := "target: {url: ws://127.0.0.1:1/ws, admin_url: http://127.0.0.1:1}\ngroups: [{name: g, count: 1}]\n"
	c, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.OverrideTarget("native", "ws://127.0.0.1:2/ws"); err != nil {
		t.Fatal(err)
	}
	if c.Target.URL != "ws://127.0.0.1:2/ws" || c.Target.AdminURL != "http://127.0.0.1:1" || !c.Target.FromCommandLine() {
		t.Errorf("same kind: %+v; want the URL replaced and admin_url kept", c.Target)
	}
	if err := c.OverrideTarget("livekit", "ws://127.0.0.1:7880"); err != nil {
		t.Fatal(err)
	}
	if c.Target.KindName() != "livekit" || c.Target.AdminURL != "" {
		t.Errorf("other kind: %+v; want native's admin_url dropped", c.Target)
	}
	if err := c.OverrideTarget("livekit", "127.0.0.1:7880"); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "bad target URL") {
		t.Errorf("bad URL: err = %v", err)
	}
	if p := c.TargetPos("url"); !strings.Contains(p.String(), "--target") {
		t.Errorf("TargetPos after override = %s; want it to name --target", p)
	}
}

// TestCheckFeatures: every use of a feature the target lacks is an error
// at the position of that use, naming feature and target; supported
// features pass.
func TestCheckFeatures(t *testing.T) {
	t.Parallel()
	src := `rooms: {count: 2, pattern: "r-{n}"}
groups:
  - {name: a, count: 2, im: true, recvmode: audio}
  - {name: b, count: 1, role: audience}
timeline:
  - {at: 1s, action: send_im, users: "group:a", to: a-2, text: hi}
  - {at: 2s, fault: {fail_enter: {code: -100018}}}
  - {at: 3s, action: block_video, users: "group:a", remote: "group:b"}
`
	c, err := Parse("f.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	lacks := map[signaling.Feature]string{signaling.FaultFeature("fail_enter"): "no such API", signaling.FeatureIMC2C: "no C2C",
		signaling.FeatureStrRoom: "numbers only"}
	err = c.CheckFeatures("test", func(f signaling.Feature) string { return lacks[f] })
	var es ValidationErrors
	if !errors.As(err, &es) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v; want ValidationErrors", err)
	}
	want := []string{
		`f.yaml:1:28: rooms.pattern: string room IDs is not supported by target test (numbers only)`,
		`f.yaml:6:53: timeline[0].to: IM C2C messages is not supported by target test (no C2C)`,
		`f.yaml:7:21: timeline[1].fault: fault fail_enter is not supported by target test (no such API)`,
	}
	if len(es) != len(want) {
		t.Fatalf("got %d errors:\n%v", len(es), err)
	}
	for i := range want {
		if es[i].Error() != want[i] {
			t.Errorf("error %d:\n got %s\nwant %s", i, es[i], want[i])
		}
	}
	if err := c.CheckFeatures("all", func(signaling.Feature) string { return "" }); err != nil {
		t.Errorf("a target with every feature: %v", err)
	}
}
