package reports

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeRun writes n seconds of 10 bots' samples (with tracks) and events
// through a Dir made with opts.
func writeRun(t *testing.T, dir string, n int, opts ...Option) {
	t.Helper()
	w, err := Create(dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		for b := range 10 {
			rtt := 10 + float64(i%7) + float64(b)/3
			user := "u" + string(rune('a'+b))
			at := t0.Add(time.Duration(i)*time.Second + time.Duration(b)*time.Millisecond)
			if i == 0 {
				w.WriteEvent(Event{Time: at, User: user, Room: "1001", Kind: KindRoom, Event: EvEntered, Code: 1018, Value: 40 + float64(b)})
			}
			w.WriteSample(Sample{Time: at, User: user, Room: "1001", Interval: 1, RxKbps: 300 + float64(i%13)/7, RxPackets: 50, RTTMs: &rtt,
				Tracks: []TrackSample{{Dir: Rx, Kind: "video", Remote: "ux", SSRC: uint32(b), Kbps: 300, FPS: 15, RTTMs: &rtt}}})
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func jsonLines(t *testing.T, d *Dataset) string {
	t.Helper()
	b, err := json.Marshal([]any{d.Events, d.Samples})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestZstdStatsRoundTrip: a Dir made WithZstd writes stats.jsonl.zst (and
// no stats.jsonl), smaller, and reading it gives exactly the lines the
// uncompressed stream gives.
func TestZstdStatsRoundTrip(t *testing.T) {
	t.Parallel()
	plain, packed := filepath.Join(t.TempDir(), "plain"), filepath.Join(t.TempDir(), "packed")
	writeRun(t, plain, 300)
	writeRun(t, packed, 2) // a stale stats.jsonl, removed by the next Create
	writeRun(t, packed, 300, WithZstd())
	if _, err := os.Stat(filepath.Join(packed, StatsFile)); !os.IsNotExist(err) {
		t.Fatalf("stats.jsonl beside stats.jsonl.zst: %v", err)
	}
	ps, err := os.Stat(filepath.Join(plain, StatsFile))
	if err != nil {
		t.Fatal(err)
	}
	zs, err := os.Stat(filepath.Join(packed, StatsFileZstd))
	if err != nil {
		t.Fatal(err)
	}
	if zs.Size()*3 > ps.Size() {
		t.Errorf("compressed %d bytes of %d: less than 3x smaller", zs.Size(), ps.Size())
	}
	a, err := Load(plain)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(packed)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Samples) != 3000 || jsonLines(t, a) != jsonLines(t, b) {
		t.Fatalf("compressed stream read back differs: %d and %d samples", len(a.Samples), len(b.Samples))
	}
	// a plain Dir made over it removes the stale compressed stream
	writeRun(t, packed, 2)
	if _, err := os.Stat(filepath.Join(packed, StatsFileZstd)); !os.IsNotExist(err) {
		t.Fatalf("stale stats.jsonl.zst kept: %v", err)
	}
}

// TestZstdStatsCut: a compressed stream cut short (a killed writer) reads
// up to the cut, with a note, not an error.
func TestZstdStatsCut(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	writeRun(t, dir, 2000, WithZstd(), WithFlushInterval(time.Millisecond))
	path := filepath.Join(dir, StatsFileZstd)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b[:len(b)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatalf("a cut compressed stream: %v", err)
	}
	if len(d.Samples) == 0 || len(d.Samples) >= 20000 {
		t.Fatalf("read %d of 20000 samples from two thirds of the stream", len(d.Samples))
	}
	if !strings.Contains(strings.Join(d.Notes, " "), "compressed stream ends inside a block") {
		t.Fatalf("notes %q do not say the stream was cut", d.Notes)
	}
}
