package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/roombot/roombot/signature"
	"github.com/roombot/roombot/signature/signsvc"
)

func dialWS(t *testing.T, s *Server, origin string) int {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	ws, resp, err := websocket.DefaultDialer.DialContext(ctx, s.SignalURL(), h)
	if err == nil {
		ws.Close()
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatalf("dial: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func signReq(t *testing.T, s *Server, method, origin string, hdr map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+signsvc.Path, bytes.NewReader([]byte(`{"userID":"web","roomID":9}`)))
	if err != nil {
		t.Fatal(err)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Timeout: waitFor}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestOriginPolicy: /ws and /api/sign are same-origin by default; listed
// origins (--allow-origin) get in, and /api/sign answers their CORS
// preflight; requests without an Origin (bots, tools) are not affected.
func TestOriginPolicy(t *testing.T) {
	t.Parallel()
	const app, evil = "http://app.example:5173", "https://evil.example"
	def := startServer(t, Config{})
	listed := startServer(t, Config{AllowOrigins: []string{app}})
	self := "http://" + strings.TrimPrefix(def.URL(), "http://")
	for _, tc := range []struct {
		name   string
		s      *Server
		origin string
		want   int
	}{
		{"no origin", def, "", http.StatusSwitchingProtocols},
		{"same origin", def, self, http.StatusSwitchingProtocols},
		{"foreign by default", def, app, http.StatusForbidden},
		{"listed", listed, app, http.StatusSwitchingProtocols},
		{"not listed", listed, evil, http.StatusForbidden},
	} {
		if got := dialWS(t, tc.s, tc.origin); got != tc.want {
			t.Errorf("ws %s: status %d, want %d", tc.name, got, tc.want)
		}
	}
	pre := map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
	if r := signReq(t, listed, http.MethodOptions, app, pre); r.StatusCode != http.StatusNoContent ||
		r.Header.Get("Access-Control-Allow-Origin") != app || !strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight from a listed origin: %d %v", r.StatusCode, r.Header)
	}
	if r := signReq(t, listed, http.MethodOptions, evil, pre); r.StatusCode != http.StatusForbidden || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d %v", r.StatusCode, r.Header)
	}
	if r := signReq(t, listed, http.MethodPost, app, nil); r.StatusCode != http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != app {
		t.Errorf("sign from a listed origin: %d %v", r.StatusCode, r.Header)
	}
	if r := signReq(t, def, http.MethodPost, evil, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("sign from a foreign origin: %d", r.StatusCode)
	}
	if r := signReq(t, def, http.MethodPost, "", nil); r.StatusCode != http.StatusOK {
		t.Errorf("sign without an origin: %d", r.StatusCode)
	}
	if _, err := Start(context.Background(), Config{AllowOrigins: []string{"app.example"}, Logger: quietLogger()}); err == nil {
		t.Error("an origin without a scheme was accepted")
	}
}

// TestSignProtection: /api/sign of a real app (its secret is a secret)
// wants its token when one is set and is loopback-only without one (said
// loudly at start); config limits what it issues; the token and the key
// never reach the log.
func TestSignProtection(t *testing.T) {
	t.Parallel()
	const key, token = "real-app-secret-5f1e", "sign-t0ken-77"
	var logs lockedLog
	s := startServer(t, Config{Apps: []AppConfig{{SDKAppID: 1400000000, SecretKey: key}}, SignToken: token,
		SignExpire: time.Hour, SignPrivileges: signature.PrivEnter | signature.PrivRecvAudio | signature.PrivRecvVideo,
		Logger: loggerTo(&logs)})
	if r := signReq(t, s, http.MethodPost, "", nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d", r.StatusCode)
	}
	r := signReq(t, s, http.MethodPost, "", map[string]string{"Authorization": "Bearer " + token})
	var resp signsvc.Response
	if r.StatusCode != http.StatusOK || json.NewDecoder(r.Body).Decode(&resp) != nil {
		t.Fatalf("token: %d", r.StatusCode)
	}
	v, err := signature.NewVerifier(1400000000, signature.WithKey(key), signature.WithVerifyNow(func() time.Time { return time.Now().Add(61 * time.Minute) }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyUserSig(resp.UserID, resp.UserSig); err == nil {
		t.Error("the userSig outlives the configured hour")
	}
	v, _ = signature.NewVerifier(1400000000, signature.WithKey(key))
	tk, err := v.VerifyPrivateMapKey(resp.UserID, resp.PrivateMapKey)
	if err != nil || tk.Check(signature.Room{ID: 9}, signature.PrivSendVideo) == nil || tk.Check(signature.Room{ID: 9}, signature.PrivEnter) != nil {
		t.Errorf("privileges not limited to the configured ones: %v %+v", err, tk)
	}
	if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), key) {
		t.Errorf("the token or key is logged:\n%s", logs.String())
	}

	logs.Reset()
	_ = startServer(t, Config{Apps: []AppConfig{{SDKAppID: 1400000000, SecretKey: key}}, Logger: loggerTo(&logs)})
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "loopback clients only") {
		t.Errorf("no loud warning for a token-less signing service of a real app:\n%s", logs.String())
	}
	off := startServer(t, Config{Apps: []AppConfig{{SDKAppID: 1400000000, SecretKey: key}}, SignDisabled: true})
	if r := signReq(t, off, http.MethodPost, "", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("disabled signing: %d", r.StatusCode)
	}
}

// lockedLog is a log destination tests read while the server writes.
type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedLog) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Reset()
}

func loggerTo(l *lockedLog) *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
