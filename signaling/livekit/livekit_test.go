package livekit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/livekit"
	"github.com/roombot/roombot/signaling/livekit/lktest"
	"github.com/roombot/roombot/signature"
)

// collector keeps a bot's events and wakes waiters on each one.
type collector struct {
	mu      sync.Mutex
	events  []reports.Event
	samples []reports.Sample
	notify  chan struct{}
}

func newCollector() *collector { return &collector{notify: make(chan struct{}, 1)} }

func (c *collector) WriteEvent(e reports.Event) {
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

func (c *collector) WriteSample(x reports.Sample) {
	c.mu.Lock()
	c.samples = append(c.samples, x)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// waitRx blocks until a stats sample taken after t0 has a receive track
// of remote's kind for which pred holds (bounded by limit).
func (c *collector) waitRx(t *testing.T, what string, t0 time.Time, remote, kind string, limit time.Duration, pred func(reports.TrackSample) bool) {
	t.Helper()
	c.waitTrack(t, what, t0, limit, func(ts reports.TrackSample) bool {
		return ts.Dir == reports.Rx && ts.Remote == remote && ts.Kind == kind && pred(ts)
	}, func(ts reports.TrackSample) bool { return ts.Remote == remote && ts.Kind == kind })
}

// waitTrack blocks until a stats sample taken after t0 has a track for
// which match holds (bounded by limit); on failure it lists the packets
// and frames of the tracks of interest.
func (c *collector) waitTrack(t *testing.T, what string, t0 time.Time, limit time.Duration, match, interest func(reports.TrackSample) bool) {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		for _, x := range c.samples {
			if !x.Time.After(t0) {
				continue
			}
			for _, ts := range x.Tracks {
				if match(ts) {
					c.mu.Unlock()
					return
				}
			}
		}
		c.mu.Unlock()
		select {
		case <-c.notify:
		case <-deadline.C:
			c.mu.Lock()
			var b strings.Builder
			for _, x := range c.samples {
				for _, ts := range x.Tracks {
					if interest(ts) {
						fmt.Fprintf(&b, " %s:%d/%df/%dp", x.Time.Format("05.000"), ts.Packets, ts.Frames, ts.Height)
					}
				}
			}
			c.mu.Unlock()
			t.Fatalf("%s: no such sample after %s (t0 %s; packets/frames/height:%s)", what, limit, t0.Format("05.000"), b.String())
		}
	}
}

// quietAfter is when a sample no longer counts packets from before t0.
func quietAfter(t0 time.Time) time.Time {
	return t0.Add(bot.DefaultStatsInterval + 200*time.Millisecond)
}

func noFrames(ts reports.TrackSample) bool   { return ts.Frames == 0 }
func hasPackets(ts reports.TrackSample) bool { return ts.Packets > 0 }

func (c *collector) count(match func(reports.Event) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, e := range c.events {
		if match(e) {
			n++
		}
	}
	return n
}

// wait blocks until n events match (bounded by limit).
func (c *collector) wait(t *testing.T, what string, n int, limit time.Duration, match func(reports.Event) bool) {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for c.count(match) < n {
		select {
		case <-c.notify:
		case <-deadline.C:
			c.mu.Lock()
			defer c.mu.Unlock()
			var b strings.Builder
			for _, e := range c.events {
				fmt.Fprintf(&b, "  %s %s code=%d remote=%s track=%s %q\n", e.Kind, e.Event, e.Code, e.Remote, e.Track, e.Message)
			}
			t.Fatalf("%s: fewer than %d matching events after %s; events:\n%s", what, n, limit, b.String())
		}
	}
}

func ev(name string, code int, remote string) func(reports.Event) bool {
	return func(e reports.Event) bool {
		return e.Event == name && (code == 0 || e.Code == code) && (remote == "" || e.Remote == remote)
	}
}

// lkEnv is one livekit-server and a shared bot Host.
type lkEnv struct {
	t    *testing.T
	srv  *lktest.Server
	host *bot.Host
	drv  *livekit.Driver
}

var roomSeq atomic.Uint32

func newEnv(t *testing.T) *lkEnv {
	t.Helper()
	srv := lktest.Start(t)
	h, err := bot.NewHost()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return &lkEnv{t: t, srv: srv, host: h,
		drv: livekit.New(srv.URL, livekit.WithAPIKey(srv.Key, srv.Secret), livekit.WithLogger(slog.New(slog.DiscardHandler)))}
}

func (e *lkEnv) room() uint32 { return 5000 + roomSeq.Add(1) }

func (e *lkEnv) bot(user string, room uint32, mod func(*bot.Config), drv signaling.Driver) (*bot.Bot, *collector) {
	e.t.Helper()
	cfg := bot.Config{UserID: user, RoomID: room, DriverCredentials: true, Media: bot.MediaConfig{Resolution: "180p"}}
	if mod != nil {
		mod(&cfg)
	}
	if drv == nil {
		drv = e.drv
	}
	sink := newCollector()
	b, err := bot.New(cfg, bot.WithDriver(drv), bot.WithSink(sink), bot.WithHost(e.host),
		bot.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := b.Stop(ctx); err != nil {
			e.t.Errorf("stop %s: %v", user, err)
		}
	})
	return b, sink
}

func start(t *testing.T, b *bot.Bot) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Start(ctx); err != nil {
		t.Fatalf("start %s: %v", b.UserID(), err)
	}
}

// TestRoomOnLiveKit: enter, members, remote users, media both ways, mute
// and camera off as the peer sees them, IM group and C2C, leave.
func TestRoomOnLiveKit(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	alice, as := e.bot("alice", room, func(c *bot.Config) { c.EnableIM = true }, nil)
	start(t, alice)
	as.wait(t, "alice entered", 1, 5*time.Second, ev(reports.EvEntered, codes.EnteredRoom, ""))
	bob, bs := e.bot("bob", room, func(c *bot.Config) { c.EnableIM = true }, nil)
	start(t, bob)
	bs.wait(t, "bob's member list names alice", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvMembers && e.Code == codes.MemberList && e.Message == "alice"
	})
	as.wait(t, "alice sees bob enter (1031)", 1, 5*time.Second, ev(reports.EvRemoteEntered, codes.RemoteUserEntered, "bob"))
	for _, s := range []*collector{as, bs} {
		s.wait(t, "first frames both ways", 2, 10*time.Second, ev(reports.EvFirstFrame, 0, ""))
	}
	ctx := context.Background()
	if err := alice.SetMuted(ctx, true); err != nil {
		t.Fatal(err)
	}
	bs.wait(t, "bob sees alice's microphone off (1034)", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvRemoteAudio && e.Remote == "alice" && e.Message == "off"
	})
	if err := alice.EnableCamera(ctx, false); err != nil {
		t.Fatal(err)
	}
	bs.wait(t, "bob sees alice's camera off (1033)", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvRemoteVideo && e.Remote == "alice" && e.Message == "off"
	})
	if err := alice.SendGroupText(ctx, "hello room"); err != nil {
		t.Fatal(err)
	}
	bs.wait(t, "group message", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvBigGroupMsg && e.Remote == "alice" && e.Message == "hello room"
	})
	if err := bob.SendC2CText(ctx, "alice", "psst"); err != nil {
		t.Fatal(err)
	}
	as.wait(t, "C2C message", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvMsgNotify && e.Remote == "bob" && e.Message == "psst"
	})
	if n := as.count(ev(reports.EvBigGroupMsg, 0, "")); n != 0 {
		t.Errorf("alice got %d group messages; LiveKit must not echo the sender's own", n)
	}
	if err := bob.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	as.wait(t, "alice sees bob leave (1032)", 1, 5*time.Second, ev(reports.EvRemoteLeft, codes.RemoteUserLeft, "bob"))
}

// TestEnterRefused: a token with a bad signature and one without the
// enter bit (roomJoin) are refused with a TRTC code and LiveKit's reason,
// never the token.
func TestEnterRefused(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	bad := livekit.New(e.srv.URL, livekit.WithAPIKey(e.srv.Key, "not-the-secret-not-the-secret-not-the-secret"))
	b, s := e.bot("mallory", room, nil, bad)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := b.Start(ctx)
	if signaling.CodeOf(err) != codes.ErrServerUserSigCheck || !strings.Contains(err.Error(), "HTTP 401") {
		t.Errorf("bad signature: err = %v; want code %d with LiveKit's reason", err, codes.ErrServerUserSigCheck)
	}
	if strings.Contains(err.Error(), "eyJ") { // a JWT starts with eyJ
		t.Errorf("the error quotes the token: %v", err)
	}
	s.wait(t, "enter_failed", 1, time.Second, ev(reports.EvEnterFailed, codes.ErrServerUserSigCheck, ""))

	noEnter, _ := e.bot("eve", room, func(c *bot.Config) { c.Privileges = signature.PrivAll &^ signature.PrivEnter }, nil)
	err = noEnter.Start(ctx)
	if signaling.CodeOf(err) != codes.ErrCenterNoEnterPerm || !strings.Contains(err.Error(), "permissions denied") {
		t.Errorf("no enter bit: err = %v; want code %d and LiveKit's reason", err, codes.ErrCenterNoEnterPerm)
	}
}

// TestTokenSources: a participant's token from a token endpoint (LiveKit's
// token-source convention, bearer-protected here) and a supplied token
// both enter; the endpoint's refusal is an error naming the URL, never a
// token.
func TestTokenSources(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	const bearer = "endpoint-secret"
	var asked atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+bearer {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		var req struct {
			Room     string `json:"room_name"`
			Identity string `json:"participant_identity"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		asked.Add(1)
		tok, err := livekit.Mint(e.srv.Key, e.srv.Secret, req.Identity, livekit.Grants(signature.PrivAll, req.Room, false), time.Minute)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"participant_token": tok})
	}))
	t.Cleanup(ts.Close)
	viaURL := livekit.New(e.srv.URL, livekit.WithTokenURL(ts.URL, bearer))
	a, as := e.bot("a", room, nil, viaURL)
	start(t, a)
	as.wait(t, "entered with a fetched token", 1, time.Second, ev(reports.EvEntered, codes.EnteredRoom, ""))
	if asked.Load() != 1 {
		t.Errorf("token endpoint asked %d times", asked.Load())
	}
	tok, err := livekit.Mint(e.srv.Key, e.srv.Secret, "b", livekit.Grants(signature.PrivAll, livekit.RoomName(room, ""), false), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	b, bs := e.bot("b", room, nil, livekit.New(e.srv.URL, livekit.WithToken(tok)))
	start(t, b)
	bs.wait(t, "b sees a (supplied token)", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvMembers && e.Message == "a"
	})
	denied, _ := e.bot("c", room, nil, livekit.New(e.srv.URL, livekit.WithTokenURL(ts.URL, "wrong")))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := denied.Start(ctx); err == nil || !strings.Contains(err.Error(), ts.URL) || !strings.Contains(err.Error(), "HTTP 401") {
		t.Errorf("refused by the token endpoint: %v", err)
	}
}
