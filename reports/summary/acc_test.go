package summary_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
	"github.com/roombot/roombot/reports/synth"
)

// TestAccStreamedEqualsLoaded: the summary of a run directory streamed
// through reports.Read into an Acc, and of its lines fed in a shuffled
// (live-like) order, is the summary of the loaded Dataset, byte for byte.
func TestAccStreamedEqualsLoaded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := synth.Write(dir, synth.Run{Bots: 30, Seconds: 40, RoomSize: 6, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	d, err := reports.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonOf(t, summary.Compute(d))
	a := summary.NewAcc()
	h, err := reports.Read(dir, a)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, jsonOf(t, a.Summary(h.Info, h.Notes))); diff != "" {
		t.Errorf("streamed summary differs from loaded (-loaded +streamed):\n%s", diff)
	}
	shuffled := summary.NewAcc()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, i := range rng.Perm(len(d.Events)) {
		shuffled.WriteEvent(d.Events[i])
	}
	for _, i := range rng.Perm(len(d.Samples)) {
		shuffled.WriteSample(d.Samples[i])
	}
	if diff := cmp.Diff(want, jsonOf(t, shuffled.Summary(d.Info, d.Notes))); diff != "" {
		t.Errorf("shuffled summary differs from loaded (-loaded +shuffled):\n%s", diff)
	}
}

func jsonOf(t *testing.T, s *summary.Summary) string {
	t.Helper()
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
