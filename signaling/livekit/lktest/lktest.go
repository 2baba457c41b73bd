// Package lktest starts a real livekit-server for tests: on loopback only,
// on free ports, with a generated config and API key. It is a test helper
// (imported by _test files only).
package lktest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Version is the livekit-server release the tests are written against
// (scripts/test-deps.sh installs it).
const Version = "1.9.11"

// Server is a running livekit-server.
type Server struct {
	URL         string // ws://127.0.0.1:PORT
	Key, Secret string
	cmd         *exec.Cmd
	log         *syncBuffer
}

// Binary finds livekit-server: $LIVEKIT_SERVER, then livekit-server on
// $PATH, then `go install`'s ~/go/bin/server.
func Binary() string {
	if p := os.Getenv("LIVEKIT_SERVER"); p != "" {
		return p
	}
	if p, err := exec.LookPath("livekit-server"); err == nil {
		return p
	}
	home, _ := os.UserHomeDir()
	gobin := os.Getenv("GOBIN")
	if gobin == "" {
		gobin = filepath.Join(home, "go", "bin")
	}
	if p := filepath.Join(gobin, "server"); isFile(p) {
		return p
	}
	return ""
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// Start runs a livekit-server for the test and stops it at cleanup. With
// no server binary the test is skipped, except under CI=true where that is
// a failure (scripts/test-deps.sh installs it).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("livekit-server not found (run scripts/test-deps.sh: go install github.com/livekit/livekit-server/cmd/server@v%s)", Version)
		}
		t.Skipf("livekit-server not installed (go install github.com/livekit/livekit-server/cmd/server@v%s)", Version)
	}
	port, udp, stun := freeTCP(t), freeUDP(t), freeUDP(t)
	secret := make([]byte, 24)
	_, _ = rand.Read(secret)
	s := &Server{URL: fmt.Sprintf("ws://127.0.0.1:%d", port), Key: "roombot-test", Secret: hex.EncodeToString(secret), log: &syncBuffer{}}
	// Everything on loopback: the STUN server handed to clients is a
	// closed loopback port (without one the server names public ones).
	cfg := fmt.Sprintf(`port: %d
bind_addresses: [127.0.0.1]
rtc:
  udp_port: %d
  tcp_port: 0
  use_external_ip: false
  node_ip: 127.0.0.1
  enable_loopback_candidate: true
  interfaces: {includes: [lo]}
  stun_servers: ["127.0.0.1:%d"]
keys:
  %s: %s
logging: {level: %s}
`, port, udp, stun, s.Key, s.Secret, logLevel())
	path := filepath.Join(t.TempDir(), "livekit.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "--config", path, "--bind", "127.0.0.1")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start livekit-server: %v", err)
	}
	t.Cleanup(s.stop)
	if err := s.waitUp(15 * time.Second); err != nil {
		t.Fatalf("livekit-server did not come up: %v\n%s", err, s.log.String())
	}
	return s
}

// logLevel is the server's log level: warn, or $LKTEST_LOG_LEVEL (debug
// to see what the server did; it costs server CPU).
func logLevel() string {
	if l := os.Getenv("LKTEST_LOG_LEVEL"); l != "" {
		return l
	}
	return "warn"
}

// Log returns what the server printed so far.
func (s *Server) Log() string { return s.log.String() }

// PID is the server's process ID (for CPU accounting in benchmarks).
func (s *Server) PID() int { return s.cmd.Process.Pid }

// waitUp polls GET / (bounded) until the server answers OK.
func (s *Server) waitUp(limit time.Duration) error {
	base := "http" + strings.TrimPrefix(s.URL, "ws")
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for i := 0; ; i++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.TrimSpace(string(b)) == "OK" {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("after %d tries: %v", i+1, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *Server) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

func freeTCP(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func freeUDP(t testing.TB) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// syncBuffer is the server's output, written by exec's copier goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b.Len() > 1<<20 {
		return len(p), nil // enough to diagnose
	}
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
