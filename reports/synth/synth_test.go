package synth

import (
	"testing"

	"github.com/roombot/roombot/reports"
)

// TestWriteIsReadableAndShaped loads a small synthetic run with the
// ordinary reader and checks its shape: every bot-second of an entered bot
// is a sample with 2 + 2×(room size − 1) tracks, marks and enters are there.
func TestWriteIsReadableAndShaped(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Run{Bots: 12, Seconds: 20, RoomSize: 6, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	d, err := reports.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	entered, marks := 0, 0
	for _, e := range d.Events {
		switch e.Event {
		case reports.EvEntered:
			entered++
		case reports.EvMark:
			marks++
		}
	}
	if len(d.Samples) != entered*20 || marks != len(Marks) || entered < 10 {
		t.Fatalf("%d samples for %d entered bots, %d marks", len(d.Samples), entered, marks)
	}
	for _, s := range d.Samples {
		if len(s.Tracks) > 12 || s.TxKbps <= 0 || s.RTTMs == nil {
			t.Fatalf("sample %+v", s)
		}
	}
	if len(d.Samples[0].Tracks) != 12 && len(d.Samples[len(d.Samples)-1].Tracks) != 12 {
		t.Error("no sample of a full room of six")
	}
}
