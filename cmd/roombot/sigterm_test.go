package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

// TestRunSIGTERM: a real SIGTERM (a CI timeout) to the process during a
// run ends it gracefully with exit 5 and a junit.xml that says so; never
// exit 0. Not parallel: the signal goes to the whole test process.
func TestRunSIGTERM(t *testing.T) {
	f := writeFile(t, "t.yaml", "duration: 60s\nrooms: 1\ngroups: [{name: g, count: 1, media: {resolution: 180p}}]\n"+
		"assertions: [{metric: join_success_rate, expect: \"rate == 1\"}]\n")
	out := filepath.Join(t.TempDir(), "run")
	var stdout, stderr bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" },
		Interrupt: OSEnv().Interrupt}
	done := make(chan int, 1)
	go func() { done <- Main([]string{"roombot", "run", f, "--out", out, "--no-progress"}, env) }()
	// Wait until the bot is in (its entered line is on disk), then TERM.
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(out, reports.EventsFile))
		if strings.Contains(string(b), `"entered"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the bot did not enter within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != ExitInterrupted {
			t.Fatalf("exit %d after SIGTERM, want %d\n%s\n%s", code, ExitInterrupted, stdout.String(), stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not end after SIGTERM")
	}
	junit, err := os.ReadFile(filepath.Join(out, reports.JUnitFile))
	if err != nil || !strings.Contains(string(junit), `type="RunInterrupted"`) {
		t.Fatalf("junit.xml: %v\n%s", err, junit)
	}
}
