package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/internal/browsertest"
	"github.com/roombot/roombot/protocol"
)

// browserReport is one POST /report of testdata/browser.html.
type browserReport struct {
	What string          `json:"what"`
	Data json.RawMessage `json:"data"`
}

// browser is one headless Chromium running testdata/browser.html.
type browser struct {
	t        *testing.T
	reports  chan browserReport
	closeNow atomic.Bool // the page closes its PeerConnection once connected
}

// startBrowser opens testdata/browser.html for userID in room (extra query
// parameters: lazy=1) on a loopback page server of its own.
func startBrowser(t *testing.T, bin string, s *Server, userID string, room uint32, extra url.Values) *browser {
	t.Helper()
	page, err := os.ReadFile("testdata/browser.html")
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, reports: make(chan browserReport, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	mux.HandleFunc("GET /close", func(w http.ResponseWriter, _ *http.Request) {
		if b.closeNow.Load() {
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
			t.Logf("browser %s: %s %s", userID, rep.What, rep.Data)
		}
		select {
		case b.reports <- rep:
		default:
		}
	})
	// The page reaches /ws through its own origin (a byte-copying reverse
	// proxy for the upgrade), so that the service's origin policy sees a
	// same-origin page, as a page served next to the service would be.
	target, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("GET /ws", httputil.NewSingleHostReverseProxy(target))
	web := httptest.NewServer(mux) // loopback, ephemeral port
	t.Cleanup(web.Close)
	q := url.Values{"ws": {"ws" + strings.TrimPrefix(web.URL, "http") + "/ws"}, "app": {strconv.FormatUint(uint64(DefaultSDKAppID), 10)},
		"user": {userID}, "sig": {userSig(t, userID)}, "room": {strconv.FormatUint(uint64(room), 10)}}
	for k, v := range extra {
		q[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), web.URL+"/?"+q.Encode())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	return b
}

// await waits for the page's next report of kind what; a failure the page
// reports ends the test.
func (b *browser) await(what string) browserReport {
	b.t.Helper()
	deadline := time.After(60 * time.Second) // a cold Chromium start on a loaded machine is slow
	for {
		select {
		case r := <-b.reports:
			switch r.What {
			case what:
				return r
			case "error", "enterFailed", "refused":
				b.t.Fatalf("browser: %s %s", r.What, r.Data)
			}
		case <-deadline:
			b.t.Fatalf("browser: no %q report", what)
		}
	}
}

// receiveVideo waits for the browser's video at c and one packet of it.
func receiveVideo(t *testing.T, c *client, userID string) {
	t.Helper()
	rt := c.track(userID, "video")
	if rt.Track.ID() != userID+"-video" || rt.Track.StreamID() != userID {
		t.Fatalf("browser's track: ID %q stream %q, want %s-video / %s", rt.Track.ID(), rt.Track.StreamID(), userID, userID)
	}
	if err := rt.Track.SetReadDeadline(time.Now().Add(waitFor)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := rt.Track.ReadRTP(); err != nil {
		t.Fatalf("no video from the browser: %v", err)
	}
}

// A real browser, speaking docs/protocol.md from a page written from the
// doc (testdata/browser.html): it enters and publishes a canvas on mid 0; a
// pion watcher receives it as track "<userID>-video" of stream userID; then
// the browser closes its PeerConnection but keeps its WebSocket pinging,
// and the server notices (4001 to the browser, userLeft to the watcher).
// A browser that answers without its camera (inactive) is refused and
// answers the offer it gets again.
func TestBrowserClient(t *testing.T) {
	bin := browsertest.RequireChromium(t)
	t.Parallel()
	s := startServer(t, Config{})
	t.Run("publish, then close the PeerConnection", func(t *testing.T) {
		t.Parallel()
		watcher := mustJoin(t, s, "watcher", joinOpts{room: 70})
		b := startBrowser(t, bin, s, "browser", 70, nil)
		b.await("entered")
		receiveVideo(t, watcher, "browser")
		b.closeNow.Store(true)
		b.await("pcclosed")
		took := userLeftWithin(t, watcher, "browser", waitFor)
		t.Logf("watcher heard userLeft %v after the browser closed its PeerConnection", took)
		var cl struct {
			Code   int    `json:"code"`
			Reason string `json:"reason"`
		}
		if err := json.Unmarshal(b.await("wsclose").Data, &cl); err != nil {
			t.Fatal(err)
		}
		if cl.Code != protocol.CloseMediaFailed || cl.Reason == "" {
			t.Fatalf("browser's WebSocket closed with %d %q, want %d with a reason", cl.Code, cl.Reason, protocol.CloseMediaFailed)
		}
	})
	t.Run("an inactive answer is refused", func(t *testing.T) {
		t.Parallel()
		watcher := mustJoin(t, s, "watcher2", joinOpts{room: 71})
		b := startBrowser(t, bin, s, "lazy", 71, url.Values{"lazy": {"1"}})
		b.await("entered")
		var e protocol.Error
		if err := json.Unmarshal(b.await("refusedSeen").Data, &e); err != nil {
			t.Fatal(err)
		}
		if e.Code != codes.ErrServerInvalidCommand || !strings.Contains(e.Message, "inactive") {
			t.Fatalf("refusal %+v, want %d naming the inactive m-line", e, codes.ErrServerInvalidCommand)
		}
		receiveVideo(t, watcher, "lazy")
	})
}
