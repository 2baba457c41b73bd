package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roombot/roombot/internal/browsertest"
	"github.com/roombot/roombot/protocol"
)

// browserReport is one POST /report of testdata/browser.html.
type browserReport struct {
	What string          `json:"what"`
	Data json.RawMessage `json:"data"`
}

// A real browser, speaking docs/protocol.md from a page written from the
// doc (testdata/browser.html): it enters and publishes a canvas on mid 0; a
// pion watcher receives it as track "<userID>-video" of stream userID; then
// the browser closes its PeerConnection but keeps its WebSocket pinging,
// and the server notices (4001 to the browser, userLeft to the watcher).
func TestBrowserClient(t *testing.T) {
	bin := browsertest.RequireChromium(t)
	t.Parallel()
	s := startServer(t, Config{})
	watcher := mustJoin(t, s, "watcher", joinOpts{room: 70})

	page, err := os.ReadFile("testdata/browser.html")
	if err != nil {
		t.Fatal(err)
	}
	reports := make(chan browserReport, 64)
	var closeNow atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	mux.HandleFunc("GET /close", func(w http.ResponseWriter, _ *http.Request) {
		if closeNow.Load() {
			_, _ = io.WriteString(w, "yes")
		}
	})
	mux.HandleFunc("POST /report", func(w http.ResponseWriter, r *http.Request) {
		var rep browserReport
		if err := json.NewDecoder(r.Body).Decode(&rep); err != nil {
			t.Errorf("browser report: %v", err)
			return
		}
		if os.Getenv("ROOMBOT_TEST_LOG") != "" {
			t.Logf("browser: %s %s", rep.What, rep.Data)
		}
		select {
		case reports <- rep:
		default:
		}
	})
	web := httptest.NewServer(mux) // loopback, ephemeral port
	t.Cleanup(web.Close)

	q := url.Values{"ws": {s.SignalURL()}, "app": {strconv.FormatUint(uint64(DefaultSDKAppID), 10)},
		"user": {"browser"}, "sig": {userSig(t, "browser")}, "room": {"70"}}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), web.URL+"/?"+q.Encode())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })

	await := func(what string) browserReport {
		t.Helper()
		deadline := time.After(60 * time.Second) // a cold Chromium start on a loaded machine is slow
		for {
			select {
			case r := <-reports:
				switch r.What {
				case what:
					return r
				case "error", "enterFailed", "refused":
					t.Fatalf("browser: %s %s", r.What, r.Data)
				}
			case <-deadline:
				t.Fatalf("browser: no %q report", what)
			}
		}
	}
	await("entered")
	rt := watcher.track("browser", "video")
	if rt.Track.ID() != "browser-video" || rt.Track.StreamID() != "browser" {
		t.Fatalf("browser's track: ID %q stream %q, want browser-video / browser", rt.Track.ID(), rt.Track.StreamID())
	}
	if err := rt.Track.SetReadDeadline(time.Now().Add(waitFor)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := rt.Track.ReadRTP(); err != nil {
		t.Fatalf("no video from the browser: %v", err)
	}
	closeNow.Store(true) // the page closes once its PeerConnection is connected
	await("pcclosed")
	took := userLeftWithin(t, watcher, "browser", waitFor)
	t.Logf("watcher heard userLeft %v after the browser was told to close its PeerConnection", took)
	var cl struct {
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(await("wsclose").Data, &cl); err != nil {
		t.Fatal(err)
	}
	if cl.Code != protocol.CloseMediaFailed || cl.Reason == "" {
		t.Fatalf("browser's WebSocket closed with %d %q, want %d with a reason", cl.Code, cl.Reason, protocol.CloseMediaFailed)
	}
}
