package live

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roombot/roombot/fixtures/janushost"
	"github.com/roombot/roombot/scenario"
)

// TestPortableSmokeOnJanus plays ci-smoke-portable against a real Janus on
// the project's test host (network namespace + veth), strictly: every
// check passes, quality checks excepted only when the run says the
// generator was overloaded.
func TestPortableSmokeOnJanus(t *testing.T) {
	if testing.Short() {
		t.Skip("plays a 30 s scenario against Janus")
	}
	jh := janushost.Start(t)
	c, err := scenario.Load(filepath.Join("..", "..", "fixtures", "scenarios", "ci-smoke-portable.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.OverrideTarget(TargetJanus, jh.WSURL); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{DefaultJanusAdminKeyEnv: jh.AdminKey, DefaultJanusRoomSecretEnv: "smoke-room-secret"}
	o, err := Run(context.Background(), c, Options{Out: filepath.Join(t.TempDir(), "run"), Getenv: func(k string) string { return env[k] }})
	if err != nil {
		jh.DumpLog(t)
		t.Fatal(err)
	}
	quality := map[string]bool{"loss": true, "freezes": true, "fps": true, "ttff": true, "action_lag": true,
		"bitrate_in": true, "jitter": true, "join_time": true}
	h := o.Info.Health
	t.Logf("target %s; health: cpu avg %.0f%% max %.0f%%, action lag p99 %.1f ms, overloaded %v %v",
		o.Info.Target, h.CPUPctAvg, h.CPUPctMax, h.ActionLagP99Ms, h.Overloaded, h.Notes)
	for _, ch := range o.Info.Checks {
		switch {
		case ch.Passed:
			t.Logf("PASS %s: %s", ch.Name, ch.Message)
		case quality[ch.Metric] && h.Overloaded:
			t.Logf("FAIL (tolerated: generator overloaded) %s: %s", ch.Name, ch.Message)
		default:
			t.Errorf("FAIL %s: %s", ch.Name, ch.Message)
		}
	}
}

// TestJanusTargetLimits: what Janus cannot play is refused before anything
// connects, naming the feature, the target and why.
func TestJanusTargetLimits(t *testing.T) {
	c, err := scenario.Load(filepath.Join("..", "..", "fixtures", "scenarios", "ci-smoke.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.OverrideTarget(TargetJanus, "ws://127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	err = Check(c)
	want := "fault fail_enter is not supported by target janus (set by --target) (Janus has no API to make joins fail)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Check = %v;\nwant %s", err, want)
	}
	for _, tc := range []struct{ src, want string }{
		{"rooms: {pattern: \"r-{n}\", count: 1}\ngroups: [{name: g, count: 1}]\n", "string room IDs is not supported by target janus"},
		{"groups: [{name: g, count: 1, permissions: {privileges: 253}}]\n", ""},
		{"groups: [{name: g, count: 1, permissions: {privileges: 251}}]\n", "x.yaml:1:43: groups[0].permissions: privileges without send-audio are not supported by target janus"},
		{"groups: [{name: g, count: 1}]\ntimeline: [{at: 1s, fault: {delay: {duration: 1s}}}]\n", "fault delay is not supported by target janus"},
		{"groups: [{name: g, count: 1}]\nassertions: [{metric: e2e_latency, expect: \"p(95) < 300ms\"}]\n", "x.yaml:2:23: assertions[0].metric: e2e_latency is not measured on target janus"},
		{"groups: [{name: g, count: 1}]\ntimeline: [{at: 1s, fault: {drop: {user: g-1}}}]\n", "fault drop on janus needs the Janus Admin API"},
		{"target: {kind: janus, url: ws://127.0.0.1:1, token_url: http://x}\ngroups: [{name: g, count: 1}]\n", "target kind janus does not use token_url"},
		{"groups: [{name: g, count: 1}]\ntimeline: [{at: 1s, fault: {mute_track: {user: g-1, track: video}}}]\n", "fault mute_track on janus needs the Janus Admin API"},
		{"target: {kind: janus, url: ws://127.0.0.1:1, admin_url: http://127.0.0.1:2}\ngroups: [{name: g, count: 1}]\ntimeline: [{at: 1s, fault: {mute_track: {user: g-1, track: video}}}]\n", ""},
		{"target: {kind: janus, url: ws://127.0.0.1:1}\ngroups: [{name: g, count: 1, im: true}]\ntimeline: [{at: 1s, fault: {kick: {user: g-1}}}, {at: 2s, action: send_im, users: all, to: g-1, text: hi}]\n", ""},
	} {
		c, err := scenario.Parse("x.yaml", []byte(tc.src))
		if err != nil {
			t.Fatal(err)
		}
		if c.Target.KindName() != TargetJanus {
			if err := c.OverrideTarget(TargetJanus, "ws://127.0.0.1:1"); err != nil {
				t.Fatal(err)
			}
		}
		err = Check(c)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%q: Check = %v; want %q", tc.src, err, tc.want)
		}
	}
}
