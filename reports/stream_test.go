package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadManyBatches: a stream of many decoding batches (and a partial
// last one) reaches the sink whole and in file order, with line numbers of
// a bad line right; run with -race, it also checks the hand-offs.
func TestReadManyBatches(t *testing.T) {
	dir := t.TempDir()
	const n = 5*batchLines + 17
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"kind":"stats","ts":"%s","user":"u%d","interval_s":1,"tx_kbps":%d}`+"\n", t0.Add(time.Duration(n-i)*time.Second).Format(time.RFC3339Nano), i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, StatsFile), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []Sample
	h, err := Read(dir, SinkFunc{Sample: func(s Sample) { got = append(got, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n || !h.Info.Incomplete {
		t.Fatalf("%d samples of %d, info %+v", len(got), n, h.Info)
	}
	for i, s := range got {
		if s.User != fmt.Sprintf("u%d", i) {
			t.Fatalf("sample %d is %s: not in file order", i, s.User)
		}
	}
	d, err := Load(dir)
	if err != nil || len(d.Samples) != n || d.Samples[0].User != fmt.Sprintf("u%d", n-1) {
		t.Fatalf("Load: %v, %d samples, first %v", err, len(d.Samples), d.Samples)
	}

	// a bad line deep in the file is named by its number
	lines := strings.Split(b.String(), "\n")
	lines[3*batchLines+5] = `{"kind":"stats","ts":"x"}`
	if err := os.WriteFile(filepath.Join(dir, StatsFile), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Read(dir, Discard)
	if want := fmt.Sprintf("%s:%d:", filepath.Join(dir, StatsFile), 3*batchLines+6); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}
