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
	base, errb, stop := startServe(t, map[string]string{"ROOMBOT_SECRET_KEY": "k-from-env"},
		"--sdkappid", "1400000000", "--admin-token", "tok")
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
	if code := get("/", ""); code != 200 {
		t.Errorf("the web room page: %d", code)
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
	if code := stop(); code != ExitOK {
		t.Fatalf("exit %d after interrupt: %s", code, errb.String())
	}
	if strings.Contains(errb.String()+base, "k-from-env") {
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
		{"serve", "--template", dir}, // no template.html
	} {
		var errb bytes.Buffer
		env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }}
		if code := Main(append([]string{"roombot"}, args...), env); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, ExitUsage, errb.String())
		}
	}
}
