package codes

import "testing"

// TestTexts: Texts is the table Text reads, as a copy the caller may change.
func TestTexts(t *testing.T) {
	all := Texts()
	if len(all) != len(text) || len(all) == 0 {
		t.Fatalf("%d texts, want %d", len(all), len(text))
	}
	for c, s := range all {
		if Text(c) != s || s == "" {
			t.Errorf("code %d: Texts %q, Text %q", c, s, Text(c))
		}
	}
	all[EnteredRoom] = "changed"
	if Text(EnteredRoom) != "entered room" {
		t.Error("changing the copy changed the table")
	}
}
