package scenario

import (
	"bytes"
	"strings"
	"testing"
)

// TestDryRunFaultReadable: a fault in --dry-run output reads as the
// scenario wrote it (name key=value …), not as Go map syntax.
func TestDryRunFaultReadable(t *testing.T) {
	t.Parallel()
	c, err := Parse("f.yaml", []byte(`groups: [{name: g, count: 1}]
timeline:
  - {at: 1s, fault: {fail_enter: {user: g-1, code: -100018, count: 1, message: "no room"}}}
  - {at: 2s, fault: {pause_media: {user: g-1, duration: 300ms}}}
  - {at: 3s, fault: {clear: {}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(c)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := p.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{`fail_enter code=-100018 count=1 message="no room" user=g-1 (timeline[0])`, "pause_media duration=300ms user=g-1 (timeline[1])"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "map[") {
		t.Errorf("Go map syntax in the dry run:\n%s", out)
	}
}
