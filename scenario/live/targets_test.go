package live

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/signaling"
)

// TestCheckTargets: Check refuses, before anything connects, what a target
// kind cannot play, at the file position of the use.
func TestCheckTargets(t *testing.T) {
	const groups = "groups: [{name: g, count: 2}]\n"
	for _, tc := range []struct {
		name, src, want string // want "" = valid
	}{
		{"embedded plays everything", "timeline: [{at: 1s, fault: {kick: {user: g-1}}}]\n" + groups, ""},
		{"native fault without admin", "target: {url: ws://127.0.0.1:1/ws}\ntimeline: [{at: 1s, fault: {kick: {user: g-1}}}]\n" + groups,
			"x.yaml:2:28: timeline[0].fault: a fault step needs the reference service's admin API (set target.admin_url)"},
		{"native with admin", "target: {url: ws://127.0.0.1:1/ws, admin_url: http://127.0.0.1:1}\ntimeline: [{at: 1s, fault: {kick: {user: g-1}}}]\n" + groups, ""},
		{"embedded takes no API key", "target: {kind: embedded, api_key_env: K}\n" + groups,
			"x.yaml:1:39: target.api_key_env: target kind embedded does not use api_key_env"},
		{"livekit lacks fail_enter", "target: {kind: livekit, url: ws://127.0.0.1:1}\ntimeline: [{at: 1s, fault: {fail_enter: {code: -100018}}}]\n" + groups,
			"x.yaml:2:28: timeline[0].fault: fault fail_enter is not supported by target livekit (LiveKit has no API to make joins fail"},
		{"livekit carries kick, dismiss, mute_track", "target: {kind: livekit, url: ws://127.0.0.1:1}\ntimeline:\n" +
			"  - {at: 1s, fault: {mute_track: {user: g-1, track: audio}}}\n  - {at: 2s, fault: {kick: {user: g-1}}}\n  - {at: 3s, fault: {dismiss: {room: 1001}}}\n" + groups, ""},
		{"native lacks mute_track", "timeline: [{at: 1s, fault: {mute_track: {user: g-1, track: video}}}]\n" + groups,
			"x.yaml:1:28: timeline[0].fault: fault mute_track is not supported by target embedded (the reference service's admin API has no such fault"},
		{"livekit takes no admin_url", "target: {kind: livekit, url: ws://127.0.0.1:1, admin_url: http://127.0.0.1:1}\n" + groups,
			"target.admin_url: target kind livekit does not use admin_url"},
		{"token_auth_env needs token_url", "target: {kind: livekit, url: ws://127.0.0.1:1, token_auth_env: T}\n" + groups,
			"x.yaml:1:64: target.token_auth_env: token_auth_env without token_url"},
		{"livekit plays simulcast", "target: {kind: livekit, url: ws://127.0.0.1:1}\ngroups: [{name: g, count: 2, media: {simulcast: true, view: 180p}}]\n", ""},
		{"reference service lacks simulcast", "groups: [{name: g, count: 2, media: {simulcast: true}}]\n",
			"x.yaml:1:49: groups[0].media.simulcast: simulcast is not supported by target embedded (the reference service forwards a single layer per track)"},
		{"janus lacks simulcast", "target: {kind: janus, url: ws://127.0.0.1:1}\ngroups: [{name: g, count: 2, media: {simulcast: true}}]\n",
			"groups[0].media.simulcast: simulcast is not supported by target janus (the driver publishes one layer per track)"},
		{"unknown kind", "target: {kind: nosuch, url: ws://127.0.0.1:1}\n" + groups,
			`x.yaml:1:16: target.kind: unknown target kind "nosuch" (kinds: `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := scenario.Parse("x.yaml", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			err = Check(c)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Check = %v; want valid", err)
			case tc.want != "" && (!errors.Is(err, scenario.ErrInvalid) || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Check = %v;\nwant %s", err, tc.want)
			}
		})
	}
}

// TestRegisteredKindLimits: a kind registered with limits refuses the
// scenario in OpenTarget (a usage error) without calling its opener.
func TestRegisteredKindLimits(t *testing.T) {
	opened := false
	registerTarget("limited-test", targetKind{
		unsupported: func(f signaling.Feature) string {
			if f == signaling.FeatureIM {
				return "no IM here"
			}
			return ""
		},
		open: func(context.Context, *scenario.Config, Options) (*Target, error) {
			opened = true
			return &Target{}, nil
		},
	})
	t.Cleanup(func() { delete(targetKinds, "limited-test") })
	c, err := scenario.Parse("x.yaml", []byte("groups: [{name: g, count: 1, im: true}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	kind, u, err := ParseTargetFlag("limited-test=ws://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.OverrideTarget(kind, u); err != nil {
		t.Fatal(err)
	}
	_, err = OpenTarget(context.Background(), c, Options{})
	want := "x.yaml:1:34: groups[0].im: IM is not supported by target limited-test (set by --target) (no IM here)"
	if !errors.Is(err, ErrUsage) || !errors.Is(err, scenario.ErrInvalid) || !strings.Contains(err.Error(), want) || opened {
		t.Errorf("OpenTarget = %v (opened %v);\nwant %s", err, opened, want)
	}
}

func TestParseTargetFlag(t *testing.T) {
	for _, bad := range []string{"livekit", "=ws://x", "nosuch=ws://127.0.0.1:1", "native="} {
		if _, _, err := ParseTargetFlag(bad); err == nil {
			t.Errorf("ParseTargetFlag(%q) accepted", bad)
		}
	}
	if k, u, err := ParseTargetFlag("native=ws://127.0.0.1:1/ws?a=b"); err != nil || k != "native" || u != "ws://127.0.0.1:1/ws?a=b" {
		t.Errorf("ParseTargetFlag = %q %q %v", k, u, err)
	}
}
