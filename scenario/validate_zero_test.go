package scenario

import (
	"strings"
	"testing"
)

// TestEveryMistakeAtItsPosition is issue 8's list of silently accepted or
// misplaced mistakes: each is reported, at file:line:col of its value, all
// at once, with a message that names what is wrong (an explicit zero that
// means nothing is an error, never the default; an absent key is).
func TestEveryMistakeAtItsPosition(t *testing.T) {
	t.Parallel()
	file := `name: t
seed: 99999999999999999999
duration: 0s
rooms: -2
groups:
  - name: hosts
    count: 1e12
  - name: g2
    per_room: -1
arrival:
  rate: 0
  over: 0s
timeline:
  - {at: 100000h, action: mark, name: x}
credentials: {secret_env: ROOMBOT_UNSET_VAR}
`
	want := []string{
		`f.yaml:2:7: seed: 99999999999999999999 is out of range`,
		`f.yaml:3:11: duration: duration 0s`,
		`f.yaml:4:8: rooms: room count -2 is negative`,
		`f.yaml:7:12: groups[0].count: 1000000000000 users is more than 100000`,
		`f.yaml:9:15: groups[1].per_room: negative user count -1`,
		`f.yaml:11:9: arrival.rate: arrival rate 0`,
		`f.yaml:12:9: arrival.over: over 0s`,
		`f.yaml:14:10: timeline[0].at: step at 100000h0m0s is after the end of the run`,
		`f.yaml:15:27: credentials.secret_env: `,
	}
	_, err := Parse("f.yaml", []byte(file))
	if err == nil {
		t.Fatal("accepted")
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q", w)
		}
	}
	for _, bad := range []string{"got a string", "not a number", "f.yaml: "} {
		if strings.Contains(got, bad) {
			t.Errorf("message %q in:\n%s", bad, got)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", got)
	}
}

// TestExplicitZeroAndNumbers: one mistake per file, each alone; and the
// numbers YAML 1.2 reads as numbers (1e3, 2.5e1) are numbers.
func TestExplicitZeroAndNumbers(t *testing.T) {
	t.Parallel()
	g := "groups: [{name: g, count: 2}]\n"
	for _, tc := range []struct{ file, want string }{
		{g + "duration: 0s\n", "f.yaml:2:11: duration: duration 0s"},
		{g + "duration: 0\n", "f.yaml:2:11: duration: duration 0"},
		{g + "arrival: {rate: 0}\n", "f.yaml:2:17: arrival.rate: arrival rate 0"},
		{g + "arrival: {rate: -3}\n", "f.yaml:2:17: arrival.rate: arrival rate -3/s is negative"},
		{g + "arrival: {rate: 1e12}\n", "f.yaml:2:17: arrival.rate: arrival rate 1e+12/s is more than 10000/s"},
		{g + "arrival: {over: 0s}\n", "f.yaml:2:17: arrival.over: over 0s"},
		{g + "arrival: {shape: ramp, over: 0s, rate: 5}\n", "f.yaml:2:30: arrival.over: over 0s"},
		{"groups: [{name: g, count: 0}]\n", "f.yaml:1:27: groups[0].count: group \"g\" has no users"},
		{"rooms: {count: -2}\ngroups: [{name: g, count: 1}]\n", "f.yaml:1:16: rooms.count: room count -2 is negative"},
		{"rooms: 0\ngroups: [{name: g, count: 1}]\n", "f.yaml:1:8: rooms: no rooms"},
		{"seed: 1.5\n" + g, "f.yaml:1:7: seed: 1.5 is not an integer"},
		{"seed: \"12\"\n" + g, "f.yaml:1:7: seed: expected an integer, got a string"},
		{g + "credentials: {sign_url: \"http://127.0.0.1:1/api/sign\"}\n", "f.yaml:2:25: credentials.sign_url: "},
		{g + "behaviour: {talk: {users: all, single: 0s}}\n", "f.yaml:2:40: behaviour.talk.single: single 0s is no duration"},
		{g + "behaviour: {talk: {users: all, max_speakers: 0}}\n", "f.yaml:2:46: behaviour.talk.max_speakers: max_speakers 0 out of range"},
		{g + "behaviour: {camera: {users: all, mean_on: 0s}}\n", "f.yaml:2:43: behaviour.camera.mean_on: mean_on 0s is no duration"},
		{g + "behaviour: {churn: {users: all, until: 0s}}\n", "f.yaml:2:40: behaviour.churn.until: until 0s ends before anything starts"},
		{g + "timeline: [{at: 100000h, action: mark, name: x}]\n", "f.yaml:2:17: timeline[0].at: step at 100000h0m0s is after the end of the run"},
	} {
		_, err := Parse("f.yaml", []byte(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.file, err, tc.want)
		}
	}
	for _, ok := range []string{
		g + "arrival: {rate: 2.5e1}\n",
		"groups: [{name: g, count: 1e1}]\nduration: 30s\n",
		g + "credentials: {sdk_app_id: 1400000001}\n",     // the embedded service's app: fine
		g + "duration:\narrival: {rate: ~, over: null}\n", // null is absent: the defaults
	} {
		if _, err := Parse("f.yaml", []byte(ok)); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}
