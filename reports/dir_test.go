package reports

import (
	"bufio"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func TestDirRoundTrip(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	rtt := 12.5
	const bots, per = 20, 50
	var wg sync.WaitGroup
	for b := range bots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := "u" + string(rune('a'+b))
			for i := range per {
				w.WriteEvent(Event{Time: t0.Add(time.Duration(i) * time.Second), User: user, Room: "1001", Kind: KindRoom, Event: EvEntered, Code: 1018, Value: float64(i)})
				w.WriteSample(Sample{Time: t0.Add(time.Duration(i) * time.Second), User: user, Room: "1001", Interval: 1, RxKbps: 300, RTTMs: &rtt,
					Tracks: []TrackSample{{Dir: Rx, Kind: "video", SSRC: 7, Kbps: 300}}})
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil { // idempotent
		t.Fatalf("second Close: %v", err)
	}
	if w.Dropped() != 0 {
		t.Fatalf("dropped %d lines", w.Dropped())
	}
	// every stats line carries its kind
	f, err := os.Open(filepath.Join(dir, StatsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	lines := 0
	for sc.Scan() {
		lines++
		if !strings.Contains(sc.Text(), `"kind":"stats"`) {
			t.Fatalf("stats line without kind: %s", sc.Text())
		}
	}
	if lines != bots*per {
		t.Fatalf("stats lines = %d, want %d", lines, bots*per)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Events) != bots*per || len(d.Samples) != bots*per {
		t.Fatalf("loaded %d events, %d samples; want %d each", len(d.Events), len(d.Samples), bots*per)
	}
	s := d.Samples[0]
	if s.RTTMs == nil || *s.RTTMs != rtt || len(s.Tracks) != 1 || s.Tracks[0].SSRC != 7 {
		t.Fatalf("sample did not round-trip: %+v", s)
	}
	for i := 1; i < len(d.Events); i++ {
		if d.Events[i].Time.Before(d.Events[i-1].Time) {
			t.Fatal("events not sorted by time")
		}
	}
}

func TestDirCountsDrops(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	hook := func() { // stall the writer once, as a frozen disk would
		once.Do(func() { close(entered); <-release })
	}
	w, err := Create(dir, WithQueue(2), WithFlushInterval(time.Millisecond), withFlushHook(hook))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("writer never flushed")
	}
	for i := range 10 {
		w.WriteEvent(Event{Time: t0.Add(time.Duration(i)), Kind: KindRun, Event: EvMark, Message: "m"})
	}
	w.WriteSample(Sample{Time: t0, User: "u", FPS: math.NaN()}) // not encodable
	close(release)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.WriteEvent(Event{Time: t0, Kind: KindRun, Event: EvMark}) // after Close: counted, no panic
	if got := w.Dropped(); got != 10 {
		t.Fatalf("Dropped = %d, want 10 (8 full + 1 NaN + 1 late)", got)
	}
	if err := w.Flush(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Flush after Close = %v, want ErrClosed", err)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var marks, dropped int
	for _, e := range d.Events {
		switch e.Event {
		case EvMark:
			marks++
		case EvDropped:
			dropped++
			if e.Value != 9 || !strings.Contains(e.Message, "8 queue full") {
				t.Fatalf("dropped event = %+v", e)
			}
		}
	}
	if marks != 2 || dropped != 1 {
		t.Fatalf("marks=%d dropped events=%d, want 2 and 1", marks, dropped)
	}
}

func TestDirFlush(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w, err := Create(dir, WithFlushInterval(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.WriteEvent(Event{Time: t0, Kind: KindRun, Event: EvRunStart})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"event":"run_start"`) || !strings.HasSuffix(string(b), "\n") {
		t.Fatalf("events.jsonl after Flush = %q", b)
	}
}

func TestCreateOptionErrors(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]Option{
		"zero interval": WithFlushInterval(0),
		"slow interval": WithFlushInterval(2 * time.Second),
		"empty queue":   WithQueue(0),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := Create(t.TempDir(), o); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

// TestKilledRunLeavesValidLines kills a writing process (SIGKILL, no Close)
// after its periodic flush and loads what it left.
func TestKilledRunLeavesValidLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ROOMBOT_REPORTS_KILL_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	said := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(out).ReadString('\n')
		said <- l
	}()
	select {
	case l := <-said:
		if l != "flushed\n" {
			t.Fatalf("child said %q", l)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("child never flushed")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // killed: the error is expected
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Events) != 100 || len(d.Samples) != 100 {
		t.Fatalf("killed run left %d events, %d samples; want 100 each", len(d.Events), len(d.Samples))
	}
	if len(d.Notes) == 0 || !strings.Contains(d.Notes[0], "run.json is missing") {
		t.Fatalf("notes = %q", d.Notes)
	}
}
