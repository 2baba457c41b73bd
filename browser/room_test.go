package browser

import (
	"context"
	"errors"
	"os"
	"slices"
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
func needChromium(t testing.TB) {
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
func waitFor(t testing.TB, what string, d time.Duration, f func() bool) {
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

func newRoom(t testing.TB, cfg server.Config, cameras ...string) *room {
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

func (r *room) browser(t testing.TB, cfg Config) (*Browser, *recorder) {
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
	t.Cleanup(func() {
		// The page ran without a script error (checked before it leaves).
		if s, err := b.State(context.Background()); err == nil && len(s.PageErrors) > 0 {
			t.Errorf("%s: page script errors: %q", cfg.UserID, s.PageErrors)
		}
		_ = b.Stop(context.Background())
	})
	return b, rec
}

// samplesSince returns the samples taken after t0.
func (r *recorder) samplesSince(t0 time.Time) []reports.Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []reports.Sample
	for _, s := range r.samples {
		if s.Time.After(t0) {
			out = append(out, s)
		}
	}
	return out
}

// track finds a track of a sample.
func track(s reports.Sample, dir reports.Direction, kind, remote string) *reports.TrackSample {
	for i := range s.Tracks {
		tr := &s.Tracks[i]
		if tr.Dir == dir && tr.Kind == kind && tr.Remote == remote {
			return tr
		}
	}
	return nil
}

// lastTrack is the track in the newest sample after t0 that has it.
func (r *recorder) lastTrack(t0 time.Time, dir reports.Direction, kind, remote string) *reports.TrackSample {
	ss := r.samplesSince(t0)
	for i := len(ss) - 1; i >= 0; i-- {
		if tr := track(ss[i], dir, kind, remote); tr != nil {
			return tr
		}
	}
	return nil
}

func event(name, remote, msg string) func(reports.Event) bool {
	return func(e reports.Event) bool {
		return e.Event == name && (remote == "" || e.Remote == remote) && (msg == "" || e.Message == msg)
	}
}

// remoteVideo is the CSS selector of a remote user's picture on the page.
func remoteVideo(user string) string { return `#rb-stage .rb-view[data-user="` + user + `"] video` }

// TestBrowserWithBots: a browser enters a room with two bots. In each
// template the bots' pictures are on the page (a screenshot shows the
// fixture cameras' colours, not black, and the browser's own fake camera
// fails that check); the bots receive the browser's video and audio; its
// mute and camera off reach them as 1034 and 1033 and its sending stops;
// IM goes both ways, group and C2C; blocking stops a remote's packets.
func TestBrowserWithBots(t *testing.T) {
	r := newRoom(t, server.Config{}, "front", "back")
	b, rec := r.browser(t, Config{UserID: "web1", IM: true, Template: "grid"})
	ctx := context.Background()
	start := time.Now()
	waitFor(t, "both bots' videos decoded", 30*time.Second, func() bool {
		s, err := b.State(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, rm := range s.Remotes {
			if rm.Width == 640 && rm.Height == 360 {
				n++
			}
		}
		return n == 2
	})

	t.Run("templates", func(t *testing.T) {
		for _, tpl := range []string{"grid", "float", "bigsmall"} {
			switched := time.Now()
			if err := b.SetTemplate(ctx, tpl); err != nil {
				t.Fatal(err)
			}
			s, err := b.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if s.Template != tpl || s.MaxMembers != Templates[tpl] {
				t.Fatalf("%s: page says template %q with %d slots, want %d", tpl, s.Template, s.MaxMembers, Templates[tpl])
			}
			var shown []string
			for _, rm := range s.Remotes {
				if rm.Shown {
					shown = append(shown, rm.UserID)
				}
			}
			if want := min(2, Templates[tpl]); len(shown) != want {
				t.Fatalf("%s: %d remote users shown (%v), want %d", tpl, len(shown), shown, want)
			}
			for _, u := range shown {
				var why string
				var pic picture
				waitFor(t, tpl+": "+u+"'s picture", 10*time.Second, func() bool {
					png, err := b.Screenshot(ctx, remoteVideo(u))
					if err != nil {
						t.Fatal(err)
					}
					pic = analyse(t, png)
					why = pic.fixtureColours()
					return why == ""
				})
				t.Logf("%s: %s: dark %.0f%%, hues %v", tpl, u, 100*pic.dark, pic.share)
			}
			if tpl == "bigsmall" { // two remote users, one slot: -8 on the new layout
				waitFor(t, "-8 in bigsmall", 5*time.Second, func() bool {
					return rec.has(func(e reports.Event) bool { return e.Code == -8 && e.Time.After(switched) })
				})
				if n, _ := b.Count(ctx, "#rb-stage video"); n != 2 { // the remote and the local picture
					t.Errorf("bigsmall shows %d videos, want 2", n)
				}
			} else if rec.has(func(e reports.Event) bool { return e.Code == -8 && e.Time.After(switched) }) {
				t.Errorf("%s: -8 with 2 remote users in 3 slots", tpl)
			}
		}
		// Control: the browser's own fake camera (green, one moving shape)
		// is not a fixture picture, so the check above can fail.
		png, err := b.Screenshot(ctx, `#rb-stage .rb-local video`)
		if err != nil {
			t.Fatal(err)
		}
		if why := analyse(t, png).fixtureColours(); why == "" {
			t.Error("the fake camera passed the fixture colour check")
		}
		if err := b.SetTemplate(ctx, "grid"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("1033 and 1034 once when known", func(t *testing.T) {
		for _, id := range []string{"bot1", "bot2"} {
			for _, code := range []int{1033, 1034} {
				n := 0
				rec.mu.Lock()
				for _, e := range rec.events {
					if e.Code == code && e.Remote == id && e.Message == "on" {
						n++
					}
				}
				rec.mu.Unlock()
				if n != 1 {
					t.Errorf("%d %s on: %d times, want once (the bots entered with both on)", code, id, n)
				}
			}
		}
	})

	t.Run("bots receive", func(t *testing.T) {
		for _, id := range []string{"bot1", "bot2"} {
			waitFor(t, id+" decodes web1's video and receives its audio", 20*time.Second, func() bool {
				v, a := r.rec[id].lastTrack(start, reports.Rx, "video", "web1"), r.rec[id].lastTrack(start, reports.Rx, "audio", "web1")
				return r.rec[id].has(event(reports.EvFirstFrame, "web1", "")) && v != nil && v.Frames > 0 && a != nil && a.Packets > 0
			})
		}
	})

	t.Run("mute and camera off", func(t *testing.T) {
		if err := b.SetMuted(ctx, true); err != nil {
			t.Fatal(err)
		}
		if err := b.EnableCamera(ctx, false); err != nil {
			t.Fatal(err)
		}
		off := time.Now()
		for _, id := range []string{"bot1", "bot2"} {
			waitFor(t, id+" sees 1034 and 1033 off", 10*time.Second, func() bool {
				return r.rec[id].has(func(e reports.Event) bool { return e.Code == 1034 && e.Remote == "web1" && e.Message == "off" }) &&
					r.rec[id].has(func(e reports.Event) bool { return e.Code == 1033 && e.Remote == "web1" && e.Message == "off" })
			})
		}
		waitFor(t, "the browser stops sending", 10*time.Second, func() bool {
			v, a := rec.lastTrack(off.Add(1500*time.Millisecond), reports.Tx, "video", ""), rec.lastTrack(off.Add(1500*time.Millisecond), reports.Tx, "audio", "")
			return v != nil && a != nil && v.Packets == 0 && a.Packets == 0
		})
		if err := b.SetMuted(ctx, false); err != nil {
			t.Fatal(err)
		}
		if err := b.EnableCamera(ctx, true); err != nil {
			t.Fatal(err)
		}
		on := time.Now()
		for _, id := range []string{"bot1", "bot2"} {
			waitFor(t, id+" sees 1034/1033 on and frames again", 15*time.Second, func() bool {
				v := r.rec[id].lastTrack(on.Add(time.Second), reports.Rx, "video", "web1")
				return r.rec[id].has(func(e reports.Event) bool { return e.Code == 1034 && e.Message == "on" && e.Time.After(off) }) &&
					r.rec[id].has(func(e reports.Event) bool { return e.Code == 1033 && e.Message == "on" && e.Time.After(off) }) && v != nil && v.Frames > 0
			})
		}
	})

	t.Run("im", func(t *testing.T) {
		if err := r.bots["bot1"].SendGroupText(ctx, "hello from bot1"); err != nil {
			t.Fatal(err)
		}
		if err := r.bots["bot2"].SendC2CText(ctx, "web1", "psst from bot2"); err != nil {
			t.Fatal(err)
		}
		if err := b.SendGroupText(ctx, "hello from the browser"); err != nil {
			t.Fatal(err)
		}
		if err := b.SendC2CText(ctx, "bot2", "c2c from the browser"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the browser gets both messages", 10*time.Second, func() bool {
			return rec.has(event(reports.EvBigGroupMsg, "bot1", "hello from bot1")) && rec.has(event(reports.EvMsgNotify, "bot2", "psst from bot2"))
		})
		waitFor(t, "the bots get the browser's messages", 10*time.Second, func() bool {
			return r.rec["bot1"].has(event(reports.EvBigGroupMsg, "web1", "hello from the browser")) &&
				r.rec["bot2"].has(event(reports.EvBigGroupMsg, "web1", "hello from the browser")) &&
				r.rec["bot2"].has(event(reports.EvMsgNotify, "web1", "c2c from the browser"))
		})
		if r.rec["bot1"].has(event(reports.EvMsgNotify, "web1", "")) {
			t.Error("bot1 got the C2C message meant for bot2")
		}
		if err := b.SendGroupCustom(ctx, "custom-data", "d", "e"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "bot1 gets the custom message", 10*time.Second, func() bool {
			return r.rec["bot1"].has(event(reports.EvBigGroupMsg, "web1", "custom-data"))
		})
		var pe *PageError
		if err := b.SendGroupText(ctx, ""); !errors.As(err, &pe) || pe.Code != -2 {
			t.Errorf("empty message: %v, want code -2", err)
		}
	})

	t.Run("block", func(t *testing.T) {
		if err := b.EnableRemoteVideo(ctx, "bot1", false); err != nil {
			t.Fatal(err)
		}
		blocked := time.Now()
		waitFor(t, "bot1's video packets stop", 10*time.Second, func() bool {
			v := rec.lastTrack(blocked.Add(1500*time.Millisecond), reports.Rx, "video", "bot1")
			a := rec.lastTrack(blocked.Add(1500*time.Millisecond), reports.Rx, "audio", "bot1")
			return v != nil && v.Packets == 0 && a != nil && a.Packets > 0
		})
		if err := b.EnableRemoteVideo(ctx, "bot1", true); err != nil {
			t.Fatal(err)
		}
		again := time.Now()
		waitFor(t, "bot1's video again", 10*time.Second, func() bool {
			v := rec.lastTrack(again.Add(time.Second), reports.Rx, "video", "bot1")
			return v != nil && v.Frames > 0
		})
	})

	t.Run("switch camera and beauty", func(t *testing.T) {
		if err := b.SwitchCamera(ctx); err != nil {
			t.Fatal(err)
		}
		if err := b.SetBeauty(7); err != nil {
			t.Fatal(err)
		}
		s, err := b.State(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Source != "canvas" || s.Beauty != 7 {
			t.Fatalf("after switch: source %q beauty %d, want canvas and 7", s.Source, s.Beauty)
		}
		sw := time.Now()
		waitFor(t, "bot1 decodes the canvas source", 10*time.Second, func() bool {
			v := r.rec["bot1"].lastTrack(sw.Add(time.Second), reports.Rx, "video", "web1")
			return v != nil && v.Frames > 0
		})
		if err := b.SetBeauty(10); err == nil {
			t.Error("beauty 10 accepted")
		}
	})

	t.Run("pause", func(t *testing.T) {
		if err := b.Pause(ctx); err != nil {
			t.Fatal(err)
		}
		paused := time.Now()
		waitFor(t, "nothing sent while paused", 10*time.Second, func() bool {
			v := rec.lastTrack(paused.Add(1500*time.Millisecond), reports.Tx, "video", "")
			return v != nil && v.Packets == 0
		})
		if err := b.Resume(ctx); err != nil {
			t.Fatal(err)
		}
		resumed := time.Now()
		waitFor(t, "bot1 decodes the browser again", 10*time.Second, func() bool {
			v := r.rec["bot1"].lastTrack(resumed.Add(time.Second), reports.Rx, "video", "web1")
			return v != nil && v.Frames > 0
		})
		// A pause is not announced: no 1033/1034 reached the bots for it.
		if r.rec["bot1"].has(func(e reports.Event) bool { return (e.Code == 1033 || e.Code == 1034) && e.Time.After(paused) }) {
			t.Error("the pause was announced to bot1")
		}
	})

	t.Run("packets agree with the bots'", func(t *testing.T) {
		// The page's counts against an independent counter: what bot2
		// sent of its video (its stats interceptor) against what the page
		// received from it, summed over the same stretch of whole
		// samples; the service forwards every packet on loopback.
		from, to := start.Add(2*time.Second), time.Now().Add(-time.Second)
		sum := func(rc *recorder, dir reports.Direction, remote string) (pk, most uint64) {
			for _, s := range rc.samplesSince(from) {
				if s.Time.After(to) {
					break
				}
				if tr := track(s, dir, "video", remote); tr != nil {
					pk += tr.Packets
					most = max(most, tr.Packets)
				}
			}
			return pk, most
		}
		sent, most := sum(r.rec["bot2"], reports.Tx, "")
		got, _ := sum(rec, reports.Rx, "bot2")
		// The two sets of samples are not taken at the same instants: each
		// end of the window may differ by up to one sample's packets.
		tol := 2 * most
		t.Logf("bot2 sent %d video packets, the page received %d (%.0f s; tolerance %d)", sent, got, to.Sub(from).Seconds(), tol)
		if sent < 300 || got+tol < sent || got > sent+tol {
			t.Errorf("bot2 sent %d video packets, the page counted %d received", sent, got)
		}
	})

	t.Run("stats", func(t *testing.T) {
		ss := rec.samplesSince(start)
		if len(ss) < 5 {
			t.Fatalf("%d samples", len(ss))
		}
		var rtts []float64
		fpsOK := 0
		for _, s := range ss {
			if s.Interval < 0.5 || s.Interval > 3 {
				t.Errorf("interval %v s", s.Interval)
			}
			if s.RTTMs != nil {
				rtts = append(rtts, *s.RTTMs)
				if *s.RTTMs < 0 || *s.RTTMs > 60_000 {
					t.Errorf("rtt %v ms", *s.RTTMs)
				}
			}
			if v := track(s, reports.Rx, "video", "bot2"); v != nil && v.FPS >= 20 && v.FPS <= 35 && v.JitterMs != nil {
				fpsOK++
			}
			for _, tr := range s.Tracks {
				// Path loss is not in getStats: absent, not 0. What repair
				// left is, over the sequence-number count.
				if tr.Dir == reports.Rx && (tr.LossPct != nil || tr.Packets > 0 && (tr.LossAfterRepairPct == nil || tr.Expected < tr.Packets-tr.Packets/10)) {
					t.Errorf("rx track %s/%s: loss_pct %v, after repair %v, expected %d for %d packets", tr.Remote, tr.Kind, tr.LossPct, tr.LossAfterRepairPct, tr.Expected, tr.Packets)
				}
			}
			if s.RxPackets > 0 && s.RxExpected == 0 {
				t.Errorf("rx_expected 0 with %d packets", s.RxPackets)
			}
		}
		// On loopback the RTT is scheduling delay: a loaded machine shows
		// single seconds of a second or more, but not typically.
		if len(rtts) == 0 {
			t.Error("no sample has an RTT")
		} else if slices.Sort(rtts); rtts[len(rtts)/2] > 100 {
			t.Errorf("median rtt %v ms on loopback (%v)", rtts[len(rtts)/2], rtts)
		}
		if fpsOK < len(ss)/2 {
			t.Errorf("only %d of %d samples show bot2's 30 fps video", fpsOK, len(ss))
		}
	})
}
