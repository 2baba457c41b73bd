package replay

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roombot/roombot/scenario"
)

const logs = "../../fixtures/logs"

// The customer-replay example scenario is what replay builds from the
// customer's log today: rebuild it and compare (regenerate with
// `roombot replay fixtures/logs/teacher-1307.log --speed 4 --out fixtures/scenarios/customer-replay.yaml`).
// scenario/live runs it in CI.
func TestCustomerReplayIsCurrent(t *testing.T) {
	text, c, err := File(filepath.Join(logs, "teacher-1307.log"), Options{Speed: 4})
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../fixtures/scenarios/customer-replay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if text != string(want) {
		t.Fatalf("fixtures/scenarios/customer-replay.yaml is stale; replay now writes:\n%s", text)
	}
	// The customer's story, step by step.
	p, err := scenario.NewPlan(c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range p.Actions {
		if a.Source != "arrival" {
			got = append(got, a.Name+" "+a.User)
		}
	}
	wantSteps := "start teacher,fault ,start student-1,start student-2,start student-2,camera_off teacher,camera_on teacher,network teacher,network teacher"
	if strings.Join(got, ",") != wantSteps {
		t.Fatalf("steps %v, want %s", got, wantSteps)
	}
	if n := len(c.Assertions); n != 6 {
		t.Fatalf("%d assertions, want 6 (one per user and code)", n)
	}
}

// Each example log reads whole and builds a valid scenario.
func TestExampleLogs(t *testing.T) {
	for _, f := range []string{"teacher-1307.log", "kick.jsonl", "roombot-events.jsonl"} {
		text, _, err := File(filepath.Join(logs, f), Options{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if !strings.Contains(text, "assertions:") {
			t.Errorf("%s: no assertions in\n%s", f, text)
		}
	}
}

// Unknown and malformed lines are errors with their line numbers, all of
// them at once; nothing is skipped silently.
func TestBadLines(t *testing.T) {
	log := `# comment
2026-11-20 09:00:00.120 teacher 8001 bindRoomEvent {"tag":"event","code":1018,"detail":"ok"}
this is not an event
{"time":"2026-11-20T09:00:01Z","userID":"a","roomID":1}
{"time":"yesterday","userID":"a","tag":"event","code":1018}
2026-11-20 09:00:02.000 teacher 8001 bindRoomEvent {"tag":"event","code":1018
{"ts":"2026-11-20T09:00:01Z","kind":"room","event":"entered"
`
	_, err := Read(strings.NewReader(log))
	if err == nil {
		t.Fatal("no error")
	}
	var le *LineError
	if !errors.As(err, &le) || le.Line != 3 {
		t.Fatalf("first error %v, want line 3", err)
	}
	msg := err.Error()
	for _, want := range []string{"line 3: unknown line", "line 4: component event without tag", "line 5: bad time", "line 6: unknown line", "line 7: malformed JSON"} {
		if !strings.Contains(msg, want) {
			t.Errorf("errors do not say %q:\n%s", want, msg)
		}
	}
	// A 1033 that does not say whose video: an error, not a guess.
	entries, err := Read(strings.NewReader(`2026-11-20 09:00:00.000 a 1 bindRoomEvent {"tag":"event","code":1018,"detail":""}
2026-11-20 09:00:01.000 a 1 bindRoomEvent {"tag":"event","code":1033,"detail":"video changed"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(entries, Options{}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("1033 without a remote user: %v", err)
	}
	if _, err := Build(entries, Options{Speed: 0.5}); err == nil {
		t.Fatal("speed 0.5 accepted")
	}
	if _, err := Read(strings.NewReader("# only comments\n")); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty log: %v", err)
	}
}
