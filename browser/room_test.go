package browser

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signaling/native"
)

// needChromium skips without Chromium, except under CI where the browser
// tests must run (scripts/test-deps.sh installs it).
func needChromium(t *testing.T) {
	t.Helper()
	if FindChromium() != "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found in CI: the browser tests must run there")
	}
	t.Skip("chromium not found (install it with scripts/test-deps.sh or set ROOMBOT_CHROMIUM); skipping the browser test")
}

// recorder is a Sink that keeps everything, for assertions.
type recorder struct {
	mu      sync.Mutex
	events  []reports.Event
	samples []reports.Sample
}

func (r *recorder) WriteEvent(e reports.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) WriteSample(s reports.Sample) {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
}

// has reports whether an event matching f arrived.
func (r *recorder) has(f func(reports.Event) bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.events {
		if f(e) {
			return true
		}
	}
	return false
}

// waitFor polls until f holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if f() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", d, what)
}

// room is a reference service with bots in room 1234.
type room struct {
	srv  *server.Server
	host *bot.Host
	bots map[string]*bot.Bot
	rec  map[string]*recorder
}

func newRoom(t *testing.T, cfg server.Config, cameras ...string) *room {
	t.Helper()
	ctx := context.Background()
	srv, err := server.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	host, err := bot.NewHost()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = host.Close() })
	r := &room{srv: srv, host: host, bots: map[string]*bot.Bot{}, rec: map[string]*recorder{}}
	for i, cam := range cameras {
		id := []string{"bot1", "bot2", "bot3", "bot4"}[i]
		rec := &recorder{}
		b, err := bot.New(bot.Config{SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey, UserID: id, RoomID: 1234, EnableIM: true,
			Media: bot.MediaConfig{Camera: cam}},
			bot.WithDriver(native.New(srv.SignalURL())), bot.WithHost(host), bot.WithSink(rec))
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = b.Stop(context.Background()) })
		r.bots[id], r.rec[id] = b, rec
	}
	return r
}

func (r *room) browser(t *testing.T, cfg Config) (*Browser, *recorder) {
	t.Helper()
	needChromium(t)
	rec := &recorder{}
	if cfg.PageURL == "" {
		cfg.PageURL = r.srv.URL() + "/"
	}
	if cfg.SDKAppID == 0 {
		cfg.SDKAppID, cfg.SecretKey = server.DefaultSDKAppID, server.DevSecretKey
	}
	if cfg.RoomID == 0 && cfg.StrRoomID == "" {
		cfg.RoomID = 1234
	}
	b, err := New(cfg, WithSink(rec))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Stop(context.Background()) })
	return b, rec
}

func TestSmoke(t *testing.T) {
	r := newRoom(t, server.Config{}, "front", "back")
	b, rec := r.browser(t, Config{UserID: "web1", IM: true, Template: "grid"})
	ctx := context.Background()
	waitFor(t, "two remote videos decoded", 30*time.Second, func() bool {
		s, err := b.State(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, rm := range s.Remotes {
			if rm.Width > 0 {
				n++
			}
		}
		return n == 2
	})
	time.Sleep(3 * time.Second)
	s, _ := b.State(ctx)
	t.Logf("state %+v", s)
	rec.mu.Lock()
	for _, e := range rec.events {
		t.Logf("event %+v", e)
	}
	for _, s := range rec.samples {
		t.Logf("sample %+v", s)
	}
	rec.mu.Unlock()
	png, err := b.Screenshot(ctx, "#rb-stage")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile("/tmp/web-stage.png", png, 0o644)
}
