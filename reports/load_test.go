package reports

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, s string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

const goodEvent = `{"ts":"2026-11-26T09:00:00Z","user":"u1","room":"1001","kind":"room","event":"entered","code":1018,"value":120}`
const goodSample = `{"ts":"2026-11-26T09:00:01Z","user":"u1","kind":"stats","interval_s":1,"tx_kbps":500}`

func TestLoadTruncatedLastLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, EventsFile, goodEvent+"\n"+goodEvent+"\n"+goodEvent[:40])
	writeFile(t, dir, StatsFile, goodSample+"\n")
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Events) != 2 || len(d.Samples) != 1 {
		t.Fatalf("got %d events %d samples", len(d.Events), len(d.Samples))
	}
	if !strings.Contains(strings.Join(d.Notes, "\n"), "events.jsonl:3: skipped a truncated last line") {
		t.Fatalf("notes = %q", d.Notes)
	}
}

func TestLoadMalformedLineNamesFileAndLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, EventsFile, goodEvent+"\n\n{\"kind\":\"room\"}\n"+goodEvent+"\n")
	writeFile(t, dir, StatsFile, goodSample+"\nnot json\n")
	_, err := Load(dir)
	if !errors.Is(err, ErrMalformedLine) {
		t.Fatalf("err = %v, want ErrMalformedLine", err)
	}
	var le *LineError
	if !errors.As(err, &le) || le.Line != 3 || filepath.Base(le.File) != EventsFile {
		t.Fatalf("err = %v, want events.jsonl:3", err)
	}
	for _, want := range []string{"events.jsonl:3:", "stats.jsonl:2:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestLoadRunInfoAndMissingDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Load(dir); !errors.Is(err, ErrNoStreams) {
		t.Fatalf("empty dir: err = %v, want ErrNoStreams", err)
	}
	writeFile(t, dir, StatsFile, goodSample+"\n")
	info := RunInfo{Name: "smoke", Target: "embedded", Checks: []Check{{Name: "joins", Passed: true}}}
	if err := WriteRunInfo(dir, info); err != nil {
		t.Fatal(err)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Info.Name != "smoke" || len(d.Info.Checks) != 1 || len(d.Notes) != 0 {
		t.Fatalf("info = %+v notes = %q", d.Info, d.Notes)
	}
	if runs := d.Runs(); len(runs) != 1 || runs[0].Name != "smoke" {
		t.Fatalf("Runs = %+v", runs)
	}
	writeFile(t, dir, RunFile, "{")
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), RunFile) {
		t.Fatalf("bad run.json: err = %v", err)
	}
}

func TestDecodeLine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, err string
		sample        bool
	}{
		{name: "event", in: goodEvent},
		{name: "sample", in: goodSample, sample: true},
		{name: "unknown field ok", in: `{"ts":"2026-11-26T09:00:00Z","kind":"run","event":"mark","future":1}`},
		{name: "empty", in: "  ", err: "empty line"},
		{name: "no kind", in: `{"ts":"2026-11-26T09:00:00Z","event":"x"}`, err: `no "kind"`},
		{name: "bad kind", in: `{"kind":"zzz"}`, err: `unknown kind "zzz"`},
		{name: "kind not string", in: `{"kind":3}`, err: "malformed line"},
		{name: "no ts", in: `{"kind":"room","event":"entered"}`, err: `no "ts"`},
		{name: "no event", in: `{"kind":"room","ts":"2026-11-26T09:00:00Z"}`, err: `no "event"`},
		{name: "sample no user", in: `{"kind":"stats","ts":"2026-11-26T09:00:00Z"}`, err: `no "user"`},
		{name: "sample bad type", in: `{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u","tx_kbps":"x"}`, err: "stats:"},
		{name: "negative interval", in: `{"kind":"stats","ts":"2026-11-26T09:00:00Z","user":"u","interval_s":-1}`, err: "negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			l, err := DecodeLine([]byte(c.in))
			if c.err != "" {
				if !errors.Is(err, ErrMalformedLine) || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (l.Sample != nil) != c.sample || (l.Event != nil) == c.sample {
				t.Fatalf("line = %+v", l)
			}
		})
	}
}

// FuzzDecodeLine: any bytes decode to exactly one of Event/Sample or an
// ErrMalformedLine, never a panic, and what is accepted is valid.
func FuzzDecodeLine(f *testing.F) {
	for _, s := range []string{goodEvent, goodSample, `{"kind":"stats"}`, `{}`, `[`, `{"kind":"media","ts":"2026-11-26T09:00:00Z","event":"first_frame","value":1e308}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := DecodeLine(b)
		// the one-pass guesses agree with the exact decoder
		for _, stats := range []bool{false, true} {
			g, gerr := decodeLine(b, stats)
			if (gerr == nil) != (err == nil) || (g.Event == nil) != (l.Event == nil) {
				t.Fatalf("decodeLine(stats=%v) = %+v, %v; DecodeLine = %+v, %v", stats, g, gerr, l, err)
			}
			if err == nil && g.Event != nil && !reflect.DeepEqual(g.Event, l.Event) {
				t.Fatalf("event differs: %+v vs %+v", g.Event, l.Event)
			}
			if err == nil && g.Sample != nil && !reflect.DeepEqual(g.Sample, l.Sample) {
				t.Fatalf("sample differs: %+v vs %+v", g.Sample, l.Sample)
			}
		}
		if err != nil {
			if !errors.Is(err, ErrMalformedLine) {
				t.Fatalf("error without ErrMalformedLine: %v", err)
			}
			return
		}
		if (l.Event == nil) == (l.Sample == nil) {
			t.Fatalf("exactly one of Event/Sample must be set: %+v", l)
		}
		if l.Sample != nil && l.Sample.User == "" {
			t.Fatal("sample without user accepted")
		}
		if l.Event != nil && l.Event.Event == "" {
			t.Fatal("event without name accepted")
		}
	})
}

// FuzzReadStream: any file content loads or fails with file:line errors,
// never a panic; a note only ever concerns the last line.
func FuzzReadStream(f *testing.F) {
	f.Add([]byte(goodEvent + "\n" + goodSample + "\n"))
	f.Add([]byte(goodEvent + "\n" + goodEvent[:30]))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		note, errs := readLines(bytes.NewReader(b), "events.jsonl", false, false, maxLineErrors, Discard)
		for _, err := range errs {
			var le *LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
		}
		if len(errs) > maxLineErrors {
			t.Fatalf("%d errors, cap %d", len(errs), maxLineErrors)
		}
		if note != "" && !strings.Contains(note, "truncated last line") {
			t.Fatalf("note = %q", note)
		}
	})
}
