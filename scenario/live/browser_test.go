package live

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roombot/roombot/browser"
	"github.com/roombot/roombot/internal/browsertest"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/scenario"
)

const browserScenario = `
name: browser
seed: 3
duration: 13s
rooms: 1
groups:
  - {name: bots, count: 2, im: true}
  - {name: web, count: 1, kind: browser, template: grid, im: true}
arrival: {rate: 10}
timeline:
  - {at: 4900ms, action: mark, name: m1}
  - {at: 5s, action: mute, users: "group:web"}
  - {at: 5s, action: camera_off, users: "group:web"}
  - {at: 6s, action: mark, name: m2}
  - {at: 6500ms, action: send_im, users: "group:web", text: hi from chromium}
  - {at: 7s, action: unmute, users: "group:web"}
  - {at: 7s, action: camera_on, users: "group:web"}
  - {at: 8s, action: switch_camera, users: "group:web"}
  - {at: 8s, action: set_beauty, users: "group:web", level: 5}
  - {at: 9s, action: block_video, users: "group:web", remote: "user:bots-1"}
  - {at: 10s, action: unblock_video, users: "group:web", remote: "user:bots-1"}
assertions:
  - {name: everyone enters, metric: join_success_rate, expect: "rate == 1"}
  - {name: the browser decodes the bots, metric: fps, users: "group:web", window: [m2, end], expect: "p(50) >= 20"}
  - {name: the bots decode the browser, metric: ttff, users: "group:bots", expect: "count >= 2"}
  - {name: the bots see the browser mute, event: {code: 1034, users: "group:bots", window: [m1, m2]}, expect: "== 2"}
  - {name: the bots see its camera off, event: {code: 1033, users: "group:bots", window: [m1, m2]}, expect: "== 2"}
  - {name: the bots get its message, event: {name: big_group_msg_notify, users: "group:bots"}, expect: "== 2"}
  - {name: no errors, metric: errors, expect: "count == 0"}
`

// TestRunBrowserGroup: a scenario with one browser group and bots passes,
// and the browser's stats lines sit in stats.jsonl next to the bots' with
// plausible figures: about a second apart, the bots' 30 fps videos
// decoded, jitter and RTT measured, its own camera sent.
func TestRunBrowserGroup(t *testing.T) {
	browsertest.RequireChromium(t)
	c, err := scenario.Parse("browser.yaml", []byte(browserScenario))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "run")
	if d := os.Getenv("ROOMBOT_KEEP_RUN"); d != "" {
		out = d
	}
	o, err := Run(context.Background(), c, Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range o.Info.Checks {
		if !ch.Passed {
			t.Errorf("check %q failed: %s", ch.Name, ch.Message)
		}
	}
	ds, err := reports.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	var web []reports.Sample
	bots := 0
	for _, s := range ds.Samples {
		switch s.User {
		case "web-1":
			web = append(web, s)
		case "bots-1", "bots-2":
			bots++
		}
	}
	if len(web) < 8 || bots < 16 {
		t.Fatalf("%d browser and %d bot stats lines in a 13 s run", len(web), bots)
	}
	var rtt, decoded, sent int
	for _, s := range web {
		if s.Room != "1001" || s.Interval < 0.5 || s.Interval > 2 {
			t.Errorf("line %+v", s)
		}
		if s.RTTMs != nil && *s.RTTMs >= 0 && *s.RTTMs < 200 {
			rtt++
		}
		if tr := findTrack(s, reports.Rx, "video", "bots-2"); tr != nil && tr.FPS >= 20 && tr.FPS <= 35 && tr.JitterMs != nil && tr.Kbps > 100 {
			decoded++
		}
		if tr := findTrack(s, reports.Tx, "video", ""); tr != nil && tr.Kbps > 50 {
			sent++
		}
	}
	t.Logf("browser lines %d: rtt in %d, bots-2 decoded at 20-35 fps in %d, camera sent in %d", len(web), rtt, decoded, sent)
	if rtt < len(web)/2 || decoded < len(web)/2 || sent < len(web)/3 {
		t.Errorf("implausible browser stats: of %d lines, rtt %d, decoded %d, sent %d", len(web), rtt, decoded, sent)
	}
	entered := false
	for _, e := range ds.Events {
		entered = entered || (e.User == "web-1" && e.Event == reports.EvEntered && e.Code == 1018)
	}
	if !entered {
		t.Error("no entered event for the browser")
	}
}

func findTrack(s reports.Sample, dir reports.Direction, kind, remote string) *reports.TrackSample {
	for i := range s.Tracks {
		if tr := &s.Tracks[i]; tr.Dir == dir && tr.Kind == kind && tr.Remote == remote {
			return tr
		}
	}
	return nil
}

// TestBrowserTargets: browser groups play against the reference service
// (embedded, native) and are refused, before anything connects, for any
// other kind of target.
func TestBrowserTargets(t *testing.T) {
	registerTarget("other-test", targetKind{open: func(context.Context, *scenario.Config, Options) (*Target, error) {
		return &Target{}, nil
	}})
	t.Cleanup(func() { delete(targetKinds, "other-test") })
	const groups = "groups:\n  - {name: g, count: 1}\n  - {name: web, count: 1, kind: browser}\n"
	for _, tc := range []struct{ target, want string }{
		{"", ""},
		{"target: {url: ws://127.0.0.1:1/ws}\n", ""},
		{"target: {kind: other-test, url: ws://127.0.0.1:1}\n", "x.yaml:4:33: groups[1].kind: kind: browser is not supported by target other-test"},
	} {
		c, err := scenario.Parse("x.yaml", []byte(tc.target+groups))
		if err != nil {
			t.Fatal(err)
		}
		err = Check(c)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%q: Check = %v; want %q", tc.target, err, tc.want)
		}
	}
	for in, want := range map[string]string{"ws://127.0.0.1:7880/ws?token=x": "http://127.0.0.1:7880/", "wss://h.example:443/sig": "https://h.example:443/"} {
		if got, err := pageURL(in); err != nil || got != want {
			t.Errorf("pageURL(%q) = %q %v, want %q", in, got, err, want)
		}
	}
	if _, err := pageURL("http://127.0.0.1/"); err == nil {
		t.Error("pageURL accepted an http signaling URL")
	}
}

// TestRunBrowserWithoutChromium: no Chromium is a clear error before the
// run starts, naming the group and what to install.
func TestRunBrowserWithoutChromium(t *testing.T) {
	t.Setenv("ROOMBOT_CHROMIUM", filepath.Join(t.TempDir(), "no-chromium"))
	c, err := scenario.Parse("x.yaml", []byte("duration: 2s\ngroups:\n  - {name: web, count: 1, kind: browser}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), c, Options{Out: filepath.Join(t.TempDir(), "run")})
	if !errors.Is(err, ErrNotCarried) || !errors.Is(err, browser.ErrNoChromium) || !strings.Contains(err.Error(), "group web") {
		t.Fatalf("Run = %v; want ErrNotCarried wrapping browser.ErrNoChromium for group web", err)
	}
}
