package browser

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/roombot/roombot/server"
)

// openAutostart opens url in a fresh Chromium and returns the page's state
// once it has entered a room (or failed to).
func openAutostart(t *testing.T, url string) State {
	t.Helper()
	needChromium(t)
	ch, err := launch(context.Background(), FindChromium(), 1000, 700)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.close()
	ctx, cancel := context.WithTimeout(ch.tab, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Poll[string](`window.roombot && window.roombot.state().phase === 'in' && JSON.stringify(window.roombot.state())`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('rb-status').textContent`))
		t.Fatalf("%s did not enter: %v (page status %q)", url, err, status)
	}
	var s State
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.PageErrors) > 0 {
		t.Errorf("%s: page script errors %q", url, s.PageErrors)
	}
	// Control: an uncaught error does reach state().pageErrors.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`setTimeout(() => { throw new Error('control error') }, 0), 1`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.roombot.state().pageErrors.some((e) => e.includes('control error'))`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("a thrown error did not reach pageErrors: %v", err)
	}
	return s
}

// TestPageSignIn: links a support engineer shares (?userid=&room=&
// template=&autostart=1) enter at once. "dev" signs the userSig and a
// privateMapKey in the page (JavaScript TLS-Sig v2: HMAC-SHA256 + zlib),
// which the Go verifier accepts with room permissions on, for a string
// and a numeric room; "api" gets them from POST /api/sign.
func TestPageSignIn(t *testing.T) {
	needChromium(t)
	r := newRoom(t, server.Config{Apps: []server.AppConfig{{SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey, RoomPermissions: true}}})
	for _, c := range []struct{ query, user, room, template string }{
		{"?userid=web7&room=meeting-7&template=bigsmall&autostart=1", "web7", "meeting-7", "bigsmall"},
		{"?userid=web8&room=42&autostart=1&role=viewer", "web8", "42", "float"},
		{"?sign=api&userid=web9&room=43&template=grid&autostart=1", "web9", "43", "grid"},
	} {
		s := openAutostart(t, r.srv.URL()+"/"+c.query)
		if s.UserID != c.user || s.Room != c.room || s.Template != c.template {
			t.Errorf("%s: entered as %s in %s with %s", c.query, s.UserID, s.Room, s.Template)
		}
	}
}
