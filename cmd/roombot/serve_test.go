package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServe runs `roombot serve` on loopback, checks /healthz and the
// admin token, and stops it with an injected interrupt.
func TestServe(t *testing.T) {
	t.Parallel()
	out := &signPipe{lines: make(chan string, 1)}
	sigs := make(chan os.Signal, 1)
	var errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(""), Stdout: out, Stderr: &errb,
		Getenv:    func(k string) string { return map[string]string{"ROOMBOT_SECRET_KEY": "k-from-env"}[k] },
		Interrupt: func() (<-chan os.Signal, func()) { return sigs, func() {} },
	}
	exit := make(chan int, 1)
	go func() {
		exit <- Main([]string{"roombot", "serve", "--listen", "127.0.0.1:0", "--sdkappid", "1400000000", "--admin-token", "tok"}, env)
	}()
	var line string
	select {
	case line = <-out.lines:
	case code := <-exit:
		t.Fatalf("serve exited %d: %s", code, errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not report its address")
	}
	base := strings.Fields(line[strings.Index(line, "http://"):])[0]
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path, token string) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get("/healthz", ""); code != 200 {
		t.Errorf("healthz: %d", code)
	}
	if code := get("/admin/rooms", "tok"); code != 200 {
		t.Errorf("admin with token: %d", code)
	}
	if code := get("/admin/rooms", ""); code != 401 {
		t.Errorf("admin without token: %d", code)
	}
	client.CloseIdleConnections()
	sigs <- os.Interrupt
	select {
	case code := <-exit:
		if code != ExitOK {
			t.Fatalf("exit %d after interrupt: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on interrupt")
	}
	if strings.Contains(errb.String()+line, "k-from-env") {
		t.Fatal("secret key printed")
	}
}

func TestServeUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("apps:\n  - sdkAppID: 0\n    colour: red\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"serve", "--sdkappid", "1400000000"}, // no key for a non-dev app
		{"serve", "--config", bad},
		{"serve", "--config", filepath.Join(dir, "missing.yaml")},
		{"serve", "--log-level", "loud"},
	} {
		var errb bytes.Buffer
		env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }}
		if code := Main(append([]string{"roombot"}, args...), env); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, ExitUsage, errb.String())
		}
	}
}
