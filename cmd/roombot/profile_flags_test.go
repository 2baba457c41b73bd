package main

import (
	"bytes"
	"compress/gzip"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// isProfile checks that path holds a gzipped pprof profile (what runtime/pprof
// writes; internal/profile's test reads one with go tool pprof).
func isProfile(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s is not a gzipped profile: %v", path, err)
	}
	var raw bytes.Buffer
	if _, err := raw.ReadFrom(zr); err != nil || raw.Len() == 0 {
		t.Fatalf("%s: %d bytes of profile, %v", path, raw.Len(), err)
	}
}

// TestProfileFlags: run (flags before and after the scenario file) and
// report write both profiles; a profile path that cannot be created is a
// usage error that names it.
func TestProfileFlags(t *testing.T) {
	t.Parallel()
	f := unreachableScenario(t)
	env := Env{Getenv: func(k string) string { return map[string]string{"ROOMBOT_SECRET_KEY": "k"}[k] }}
	for _, tc := range []struct {
		name string
		args func(cpu, mem string) []string
	}{
		{"after the file", func(cpu, mem string) []string { return []string{f, "--cpuprofile", cpu, "--memprofile=" + mem} }},
		{"before the file", func(cpu, mem string) []string { return []string{"--cpuprofile", cpu, "--memprofile", mem, f} }},
	} {
		dir := t.TempDir()
		cpu, mem := filepath.Join(dir, "cpu.out"), filepath.Join(dir, "mem.out")
		code, _, stderr := runRun(t, env, append(tc.args(cpu, mem), "--out", filepath.Join(dir, "run"))...)
		if code != ExitNotCarried { // the target is unreachable: the run still ends normally
			t.Fatalf("%s: exit %d, %s", tc.name, code, stderr)
		}
		isProfile(t, cpu)
		isProfile(t, mem)
	}

	dir := t.TempDir()
	reportDir(t, filepath.Join(dir, "r"), true)
	cpu, mem := filepath.Join(dir, "cpu.out"), filepath.Join(dir, "mem.out")
	if code, _, stderr := reportRun(t, "report", "--cpuprofile", cpu, "--memprofile", mem, filepath.Join(dir, "r")); code != ExitOK {
		t.Fatalf("report: exit %d, %s", code, stderr)
	}
	isProfile(t, cpu)
	isProfile(t, mem)

	bad := filepath.Join(dir, "missing", "cpu.out")
	if code, _, stderr := reportRun(t, "report", "--cpuprofile", bad, filepath.Join(dir, "r")); code != ExitUsage || !strings.Contains(stderr, bad) {
		t.Errorf("bad profile path: exit %d, %q", code, stderr)
	}
}

// unreachableScenario writes a one-bot scenario whose target refuses
// connections (a port just closed): the run ends at once, not carried out.
func unreachableScenario(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return writeFile(t, "u.yaml", "target: {url: \"ws://"+addr+"/ws\"}\nrooms: 1\ngroups: [{name: g, count: 1}]\n")
}
