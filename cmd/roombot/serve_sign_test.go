package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/signature"
	"github.com/roombot/roombot/signature/signsvc"
)

// startServe runs `roombot serve args...` and returns its base URL, its
// stderr, and a stop function returning the exit code.
func startServe(t *testing.T, environ map[string]string, args ...string) (string, *lockedBuffer, func() int) {
	t.Helper()
	out := &signPipe{lines: make(chan string, 4)}
	errb := &lockedBuffer{notify: make(chan struct{}, 1)}
	sigs := make(chan os.Signal, 1)
	env := Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errb, Getenv: func(k string) string { return environ[k] },
		Interrupt: func() (<-chan os.Signal, func()) { return sigs, func() {} }}
	exit := make(chan int, 1)
	go func() { exit <- Main(append([]string{"roombot", "serve", "--listen", "127.0.0.1:0"}, args...), env) }()
	var line string
	select {
	case line = <-out.lines:
	case code := <-exit:
		t.Fatalf("serve exited %d: %s", code, errb.String())
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not report its address")
	}
	stop := func() int {
		sigs <- os.Interrupt
		select {
		case code := <-exit:
			return code
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop")
			return -1
		}
	}
	return strings.Fields(line[strings.Index(line, "http://"):])[0], errb, stop
}

// TestServeSignFlags: the key and the signing token come from files (never
// the command line, never printed), /api/sign wants the token and issues
// only the configured privileges and lifetime, and --allow-origin lets a
// page of that origin through its CORS preflight.
func TestServeSignFlags(t *testing.T) {
	t.Parallel()
	const key, token, page = "serve-secret-8c1d", "serve-sign-token-3b", "http://app.example:5173"
	dir := t.TempDir()
	keyFile, tokFile := filepath.Join(dir, "key"), filepath.Join(dir, "token")
	if os.WriteFile(keyFile, []byte(key+"\n"), 0o600) != nil || os.WriteFile(tokFile, []byte(token+"\n"), 0o600) != nil {
		t.Fatal("write files")
	}
	base, errb, stop := startServe(t, nil, "--sdkappid", "1400000000", "--secret-key-file", keyFile, "--sign-token-file", tokFile,
		"--sign-expire", "1h", "--sign-privileges", "enter,recv-audio,recv-video", "--allow-origin", page, "--admin-token", "a")
	client := &http.Client{Timeout: 20 * time.Second}
	do := func(method string, hdr map[string]string) *http.Response {
		req, _ := http.NewRequest(method, base+signsvc.Path, bytes.NewReader([]byte(`{"userID":"u","roomID":3}`)))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	if r := do(http.MethodPost, nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d", r.StatusCode)
	}
	r := do(http.MethodPost, map[string]string{"Authorization": "Bearer " + token, "Origin": page})
	var resp signsvc.Response
	if r.StatusCode != http.StatusOK || json.NewDecoder(r.Body).Decode(&resp) != nil || r.Header.Get("Access-Control-Allow-Origin") != page {
		t.Fatalf("with token from the page: %d %v", r.StatusCode, r.Header)
	}
	v, _ := signature.NewVerifier(1400000000, signature.WithKey(key))
	tk, err := v.VerifyPrivateMapKey(resp.UserID, resp.PrivateMapKey)
	if err != nil || tk.Privileges != signature.PrivEnter|signature.PrivRecvAudio|signature.PrivRecvVideo || tk.Expires.After(time.Now().Add(61*time.Minute)) {
		t.Errorf("issued %+v, %v; want the configured privileges for 1h", tk, err)
	}
	pre := do(http.MethodOptions, map[string]string{"Origin": page, "Access-Control-Request-Method": "POST"})
	if pre.StatusCode != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != page {
		t.Errorf("preflight: %d %v", pre.StatusCode, pre.Header)
	}
	if r := do(http.MethodOptions, map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}); r.StatusCode != http.StatusForbidden {
		t.Errorf("preflight from another origin: %d", r.StatusCode)
	}
	client.CloseIdleConnections()
	if code := stop(); code != ExitOK {
		t.Errorf("exit %d: %s", code, errb.String())
	}
	if s := errb.String(); strings.Contains(s, key) || strings.Contains(s, token) {
		t.Errorf("key or token printed:\n%s", s)
	}
}
