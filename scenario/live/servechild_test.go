package live

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/server"
)

// serveChildEnv makes the test binary the reference service (what
// `roombot serve` runs with its defaults), so that a test or benchmark
// measures the bots' process alone and the service's CPU apart.
const serveChildEnv = "ROOMBOT_SERVE_CHILD"

// runServeChild serves until stdin closes, printing the signal URL and the
// media UDP address on one line.
func runServeChild() {
	srv, err := server.Start(context.Background(), server.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(srv.SignalURL(), srv.MediaAddr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = srv.Close()
	os.Exit(0)
}

// serveChild is a reference service in a child process.
type serveChild struct {
	SignalURL string
	MediaAddr string // host:port of its one UDP socket
	PID       int
}

// startServeChild starts the reference service in a child process; it
// stops at cleanup.
func startServeChild(tb testing.TB) serveChild {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serveChildEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	f := strings.Fields(line)
	if err != nil || len(f) != 2 || !strings.HasPrefix(f[0], "ws://") {
		tb.Fatalf("reference service child: %q, %v", line, err)
	}
	return serveChild{SignalURL: f[0], MediaAddr: f[1], PID: cmd.Process.Pid}
}

// onChild points c at the child service and plans it.
func onChild(tb testing.TB, c *scenario.Config, srv serveChild) *scenario.Plan {
	tb.Helper()
	if err := c.OverrideTarget(scenario.TargetNative, srv.SignalURL); err != nil {
		tb.Fatal(err)
	}
	plan, err := scenario.NewPlan(c)
	if err != nil {
		tb.Fatal(err)
	}
	return plan
}

// childOptions are run options with the dev app's secret, which the child
// service (the defaults of `roombot serve`) accepts.
func childOptions(out string) Options {
	return Options{Out: out, Getenv: func(k string) string {
		if k == DefaultSecretEnv {
			return server.DevSecretKey
		}
		return ""
	}}
}
