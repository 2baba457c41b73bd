package scenario

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/media/live"
)

func TestParseGood(t *testing.T) {
	t.Parallel()
	c, err := Load("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(c.roster.users); got != 6 {
		t.Fatalf("users = %d, want 6", got)
	}
	if got := c.roster.users[0].ID; got != "host-1001-1" {
		t.Errorf("first user = %q", got)
	}
	if c.marks["warm"] != 2e9 || c.marks["cool"] != 15e9 {
		t.Errorf("marks = %v", c.marks)
	}
	if c.steps[2] != 4e9 {
		t.Errorf("relative step time = %v, want 4s", c.steps[2])
	}
	if c.Timeline[6].Action != "fault" || c.Timeline[6].Fault.Name != "fail_enter" || c.Timeline[6].Fault.Params["code"] != int64(-100018) {
		t.Errorf("fault step = %+v", c.Timeline[6])
	}
	if c.Assertions[1].Window != (Window{"warm", "end"}) || c.Assertions[1].Users != "group:late" {
		t.Errorf("event assertion = %+v", c.Assertions[1])
	}
	if p := c.PosOf("assertions[0].expect[1]"); p.Line != 29 || p.Col != 28 {
		t.Errorf("position of expect[1] = %v", p)
	}
}

// TestParseErrors is the table of bad files and the exact messages they
// produce, positions included.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	base := "rooms: 1\ngroups:\n  - name: g\n    count: 2\n"
	tests := []struct {
		name, file string
		want       []string
	}{
		{"unknown top key", "rooms: 1\ngroup:\n  - name: g\n", []string{
			`f.yaml:2:1: group: unknown key "group" here (did you mean "groups"?)`,
		}},
		{"unknown nested key and wrong type", "rooms: 1\ngroups:\n  - name: g\n    cuont: 2\n    im: yes please\n", []string{
			`f.yaml:4:5: groups[0].cuont: unknown key "cuont" in groups[0] (did you mean "count"?)`,
			`f.yaml:5:9: groups[0].im: expected a boolean, got a string (use true or false)`,
		}},
		{"bad durations", base + "duration: 10\narrival: {start: 5 s}\n", []string{
			`f.yaml:5:11: duration: duration 10 has no unit (add a unit, e.g. 10s)`,
			`f.yaml:6:18: arrival.start: bad duration "5 s" (use a number with a unit: 500ms, 5s, 1m30s)`,
		}},
		{"unknown action", base + "timeline:\n  - {at: 1s, action: mutee, users: all}\n", []string{
			`f.yaml:6:22: timeline[0].action: unknown action "mutee" (did you mean "mute"?)`,
		}},
		{"selector matches nobody", base + "timeline:\n  - {at: 1s, action: mute, users: \"user:nobody\"}\n  - {at: 1s, action: mute, users: \"group:gg\"}\n  - {at: 1s, action: mute, users: \"group:g[2:5]\"}\n", []string{
			`f.yaml:6:35: timeline[0].users: selector "user:nobody" matches no user (valid: g-1, g-2)`,
			`f.yaml:7:35: timeline[1].users: undefined group "gg" (did you mean "g"?)`,
			`f.yaml:8:35: timeline[2].users: bad index range in "group:g[2:5]" (group g has users 1..2; write group:g[1:2])`,
		}},
		{"undefined mark", base + "timeline:\n  - {at: 1s, action: mark, name: a}\nassertions:\n  - {metric: join_time, expect: \"p(95) < 1s\", window: [a, bb]}\n", []string{
			`f.yaml:8:55: assertions[0].window: undefined mark "bb" (valid: a, start, end)`,
		}},
		{"bad thresholds", base + "assertions:\n  - {metric: join_time, expect: [\"p(95) < 1kbps\", \"rate > 1\", \"avg <\"]}\n  - {metric: join_tim, expect: \"avg < 1\"}\n", []string{
			`f.yaml:6:34: assertions[0].expect[0]: "p(95) < 1kbps": unit "kbps" does not fit a value in ms (join_time is measured in ms (write ms or s))`,
			`f.yaml:6:51: assertions[0].expect[1]: aggregate rate does not apply to join_time (join_time is a trend metric: use avg, min, max, med, p, sum, count)`,
			`f.yaml:6:63: assertions[0].expect[2]: "avg <" at column 6: expected a number (e.g. "p(95) < 300ms", "avg > 400kbps", "rate >= 0.99")`,
			`f.yaml:7:14: assertions[1].metric: unknown metric "join_tim" (did you mean "join_time"?)`,
		}},
		{"step needs", base + "timeline:\n  - {action: mute, users: all}\n  - {at: 1s, action: block_audio, users: all}\n  - {at: 99s, action: send_im, users: all}\n", []string{
			`f.yaml:6:5: timeline[0]: step without a time (add at: 5s or after: 2s)`,
			`f.yaml:7:5: timeline[1]: action block_audio needs remote: (add remote: "group:NAME": whose streams to block)`,
			`f.yaml:8:5: timeline[2]: send_im needs text or custom (add text: hello (or custom: {data: …}))`,
			`f.yaml:8:10: timeline[2].at: step at 1m39s is after the end of the run (the run lasts 30s)`,
		}},
		{"group problems", "rooms: [1001, 0]\ngroups:\n  - {name: a, count: 2, user_id: same, rooms: [1002]}\n  - {name: a, count: 1, per_room: 1, role: host}\n", []string{
			`f.yaml:1:15: rooms[1]: room ID 0 is invalid (room IDs are 1..4294967295)`,
			`f.yaml:3:34: groups[0].user_id: user_id pattern "same" gives every user the same ID (include {i}, e.g. "host-{i}")`,
			`f.yaml:3:48: groups[0].rooms[0]: undefined room "1002" (did you mean "1001"?)`,
			`f.yaml:4:12: groups[1].name: group "a" defined twice (group names must be unique)`,
			`f.yaml:4:35: groups[1].per_room: count and per_room both set (give count (spread over the rooms) or per_room, not both)`,
			`f.yaml:4:44: groups[1].role: unknown value "host" (valid: anchor, audience)`,
		}},
		{"mistakes of every phase at once", "duraton: 5s\nrooms: 1\ngroups:\n  - {name: g, count: 2, media: {codec: vp9}}\ntimeline:\n  - {at: 1s, action: mute, users: \"group:h\"}\n", []string{
			`f.yaml:1:1: duraton: unknown key "duraton" here (did you mean "duration"?)`,
			`f.yaml:4:40: groups[0].media.codec: unknown value "vp9" (did you mean "vp8"?)`,
			`f.yaml:6:35: timeline[0].users: undefined group "h" (valid: g)`,
		}},
		{"bad uplink cap", "rooms: 1\ngroups:\n  - {name: g, count: 2, network: {send_rate_kbps: -5}}\n", []string{
			`f.yaml:3:51: groups[0].network.send_rate_kbps: send_rate_kbps -5 out of range (a rate in kbit/s, 0 for no cap)`,
		}},
		{"duplicate user ids", "rooms: 1\ngroups:\n  - {name: a, count: 2}\n  - {name: b, count: 1, user_id: \"a-{i}\"}\n", []string{
			`f.yaml:4:34: groups[1].user_id: user ID "a-1" is used by groups "a" and "b" (use {i}, {room} or {n} in user_id patterns so that IDs differ)`,
		}},
		{"syntax error", "rooms: 1\ngroups: [\n", []string{
			`f.yaml:2:9: YAML syntax: sequence end token ']' not found (check indentation and quoting)`,
		}},
		{"empty", "# nothing\n", []string{`f.yaml:1:1: the file is empty (a scenario needs at least rooms and groups)`}},
		{"event assertion", base + "assertions:\n  - {event: {name: enter_faild}, expect: \">= 1.5\"}\n", []string{
			`f.yaml:6:20: assertions[0].event.name: unknown event "enter_faild" (did you mean "enter_failed"?)`,
			`f.yaml:6:42: assertions[0].expect: ">= 1.5" at column 4: an event count is a whole number ≥ 0 with no unit (write a count comparison: ">= 1", "== 0")`,
		}},
		{"actions before joins", "rooms: 1\ngroups:\n  - {name: g, count: 2}\n  - {name: m, count: 1, join: manual}\narrival: {start: 2s}\ntimeline:\n  - {at: 1s, action: mute, users: \"group:g\"}\n  - {at: 3s, action: mute, users: all}\n  - {at: 3s, action: unmute, users: \"group:m\"}\n", []string{
			`f.yaml:7:35: timeline[0].users: mute at 1s: none of group:g is in the room yet (the first of them joins at 2s)`,
			`f.yaml:9:37: timeline[2].users: unmute at 3s: none of group:m ever joins (start them: a start step, or join: auto)`,
		}},
		{"alias", "g: &g {name: g, count: 1}\n", []string{`f.yaml:1:1: g: unknown key "g" here (valid: arrival, assertions, behaviour, credentials, description, duration, groups, name, rooms, seed, target, timeline)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("f.yaml", []byte(tc.file))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid")
			}
			got := strings.Split(err.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestParseAliasBomb: aliases of lists of aliases expand exponentially;
// the decoder stops with an error instead of running for ever.
func TestParseAliasBomb(t *testing.T) {
	t.Parallel()
	src := "rooms: 1\ngroups: [{name: g, count: 1}]\ntimeline:\n  - at: 1s\n    fault:\n      delay:\n        a: &a [x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := 0; i < 9; i++ {
		name := fmt.Sprintf("b%d", i)
		src += fmt.Sprintf("        %s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = name
	}
	start := time.Now()
	_, err := Parse("bomb.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "expands to more than") {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestParseAnchorsAndMerge(t *testing.T) {
	t.Parallel()
	src := "rooms: 1\ngroups:\n  - &base {name: a, count: 1, im: true}\n  - {<<: *base, name: b}\n"
	c, err := Parse("f.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Groups) != 2 || c.Groups[1].Name != "b" || !c.Groups[1].IM {
		t.Errorf("groups = %+v", c.Groups)
	}
}

func TestExamplesParse(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"ci-smoke.yaml", "capacity.yaml", "customer-repro.yaml"} {
		path := "../fixtures/scenarios/" + f
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s missing", path)
			continue
		}
		if _, err := Load(path); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	good, _ := os.ReadFile("testdata/good.yaml")
	f.Add(good)
	f.Add([]byte("rooms: 1\ngroups: [{name: g, count: 2}]\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("rooms: 55555551\ngroups: [{name: g, count: 2}]\n")) // once built 55M rooms
	f.Add([]byte("rooms: {count: -1}\ngroups: [{name: g, per_room: 99999999999}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err != nil {
			var ve ValidationErrors
			if !errors.As(err, &ve) || len(ve) == 0 {
				t.Fatalf("error is not ValidationErrors: %v", err)
			}
			return
		}
		if c.roster == nil {
			t.Fatal("valid config without roster")
		}
	})
}

func TestFaultValidation(t *testing.T) {
	t.Parallel()
	src := "rooms: 1\ngroups: [{name: g, count: 1}]\ntimeline:\n" +
		"  - {at: 1s, fault: {fail_entre: {code: 1}}}\n" +
		"  - {at: 1s, fault: {fail_enter: {user: g-1, cod: -100018}}}\n" +
		"  - {at: 1s, fault: {pause_media: {user: g-1, duration: 5}}}\n"
	_, err := Parse("f.yaml", []byte(src))
	want := []string{
		`f.yaml:4:22: timeline[0].fault.fail_entre: unknown fault "fail_entre" (did you mean "fail_enter"?)`,
		`f.yaml:5:22: timeline[1].fault.fail_enter: fault fail_enter needs code (parameters: code, count, message, room, user)`,
		`f.yaml:5:51: timeline[1].fault.fail_enter.cod: unknown parameter "cod" of fault fail_enter (did you mean "code"?)`,
		`f.yaml:6:57: timeline[2].fault.pause_media.duration: expected a duration such as 5s, got 5`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("got:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}
	f := Fault{Name: "fail_enter", Params: map[string]any{"user": "u3", "code": int64(-100018), "room": int64(1001)}}
	m, p, body := f.AdminRequest()
	if m != "POST" || p != "/admin/faults/enter" || body["userID"] != "u3" || body["code"] != int64(-100018) || body["roomID"] != int64(1001) || body["count"] != 1 {
		t.Errorf("AdminRequest = %s %s %v", m, p, body)
	}
}

func TestParseLiveAndSecret(t *testing.T) {
	t.Parallel()
	src := "credentials: {secret: s3cr3t-value, secret_env: X}\nrooms: 1\ngroups: [{name: g, count: 1, media: {live: true, codec: h264}}]\n"
	_, err := Parse("f.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "f.yaml:1:23: credentials.secret: secret conflicts with secret_env/sign_url") ||
		!strings.Contains(msg, "groups[0].media.codec: codec h264 with live: true") {
		t.Errorf("errors:\n%s", msg)
	}
	if !live.Available && !strings.Contains(msg, "groups[0].media.live: live encoding is not in this binary") {
		t.Errorf("errors:\n%s", msg)
	}
	if strings.Contains(msg, "s3cr3t-value") {
		t.Error("the secret appears in an error")
	}
}
