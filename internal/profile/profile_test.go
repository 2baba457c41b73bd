package profile

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStartWritesReadableProfiles reads both files with `go tool pprof` (the
// outside reader) and finds the sampled work in each.
func TestStartWritesReadableProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.out"), filepath.Join(dir, "mem.out")
	stop, err := Start(cpu, mem)
	if err != nil {
		t.Fatal(err)
	}
	keep = make([][]byte, 0, 64)
	spin() // about 0.1 s of CPU
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil { // idempotent
		t.Fatal(err)
	}
	for _, c := range []struct{ path, sampleIndex string }{{cpu, "cpu"}, {mem, "alloc_space"}} {
		out, err := exec.Command("go", "tool", "pprof", "-top", "-sample_index="+c.sampleIndex, c.path).CombinedOutput()
		if err != nil {
			t.Fatalf("go tool pprof %s: %v\n%s", c.path, err, out)
		}
		if !strings.Contains(string(out), "profile.spin") {
			t.Errorf("%s: pprof -top does not show spin:\n%s", c.path, out)
		}
	}
}

func TestStartBadPathTakesNothing(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "missing", "cpu.out")
	if _, err := Start(bad, ""); err == nil {
		t.Fatal("want an error for a path in a missing directory")
	}
	// no CPU profile was left running: a second Start succeeds
	stop, err := Start(filepath.Join(t.TempDir(), "cpu.out"), filepath.Join(t.TempDir(), "nope", "mem.out"))
	if err == nil {
		stop()
		t.Fatal("want an error for the memory profile path")
	}
	stop, err = Start(filepath.Join(t.TempDir(), "cpu.out"), "")
	if err != nil {
		t.Fatalf("a CPU profile was left running: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

var keep [][]byte

//go:noinline
func spin() {
	x := 0
	for i := range 60_000_000 {
		x += i ^ (x >> 3)
		if i%1_000_000 == 0 {
			keep = append(keep, make([]byte, 1<<16))
		}
	}
	sink = x
}

var sink int
