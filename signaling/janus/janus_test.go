package janus_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/fixtures/janushost"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/janus"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// env is one Janus test host and a bot Host bound to the test side of its
// veth pair.
type env struct {
	t     testing.TB
	jh    *janushost.Host
	host  *bot.Host
	room  Room
	drv   *janus.Driver
	rooms atomic.Uint32
}

// Room is the secret every test room is created with.
type Room = janus.Room

const secret = "room-secret-for-tests"

func newEnv(t testing.TB, opts ...janus.Option) *env {
	t.Helper()
	jh := janushost.Start(t)
	t.Cleanup(func() {
		if t.Failed() {
			jh.DumpLog(t)
		}
	})
	h, err := bot.NewHost(bot.WithListenIP(jh.HostIP))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	e := &env{t: t, jh: jh, host: h}
	e.drv = e.driver(opts...)
	return e
}

func (e *env) driver(opts ...janus.Option) *janus.Driver {
	e.t.Helper()
	logger := slog.New(slog.DiscardHandler)
	if os.Getenv("JANUS_TEST_DEBUG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	opts = append([]janus.Option{janus.WithLogger(logger), janus.WithCreateRooms(e.jh.AdminKey, Room{Secret: secret})}, opts...)
	d, err := janus.New(e.jh.WSURL, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *env) newRoom() uint32 { return 2000 + e.rooms.Add(1) }

// bot makes a bot on d (the env's driver when nil), stopped at cleanup.
func (e *env) bot(d signaling.Driver, user string, room uint32, mod func(*bot.Config), opts ...bot.Option) (*bot.Bot, *collector) {
	e.t.Helper()
	if d == nil {
		d = e.drv
	}
	cfg := bot.Config{SDKAppID: 1400000001, SecretKey: "test-secret-key-test-secret-key!", UserID: user, RoomID: room,
		Media: bot.MediaConfig{Resolution: "180p"}}
	if mod != nil {
		mod(&cfg)
	}
	c := newCollector()
	b, err := bot.New(cfg, append([]bot.Option{bot.WithDriver(d), bot.WithSink(c), bot.WithHost(e.host)}, opts...)...)
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
	return b, c
}

func start(t *testing.T, b *bot.Bot) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Start(ctx); err != nil {
		t.Fatalf("start %s: %v", b.UserID(), err)
	}
}

// collector is a reports.Sink that tests wait on.
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
	c.poke()
}

func (c *collector) WriteSample(s reports.Sample) {
	c.mu.Lock()
	c.samples = append(c.samples, s)
	c.mu.Unlock()
	c.poke()
}

func (c *collector) poke() {
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

func (c *collector) count(f func(reports.Event) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, e := range c.events {
		if f(e) {
			n++
		}
	}
	return n
}

// wait blocks until f matches at least n events.
func (c *collector) wait(t *testing.T, d time.Duration, what string, n int, f func(reports.Event) bool) {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for c.count(f) < n {
		select {
		case <-c.notify:
		case <-deadline.C:
			t.Fatalf("no %s within %v; events: %v", what, d, c.names())
		}
	}
}

// waitSamples blocks until f holds for the samples so far.
func (c *collector) waitSamples(t *testing.T, d time.Duration, what string, f func([]reports.Sample) bool) {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		all := append([]reports.Sample(nil), c.samples...)
		c.mu.Unlock()
		if f(all) {
			return
		}
		select {
		case <-c.notify:
		case <-deadline.C:
			t.Fatalf("no %s within %v (%d samples)", what, d, len(all))
		}
	}
}

// waitSample blocks until a sample satisfies f.
func (c *collector) waitSample(t *testing.T, d time.Duration, what string, f func(reports.Sample) bool) reports.Sample {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		for _, s := range c.samples {
			if f(s) {
				c.mu.Unlock()
				return s
			}
		}
		n := len(c.samples)
		c.mu.Unlock()
		select {
		case <-c.notify:
		case <-deadline.C:
			t.Fatalf("no %s within %v (%d samples)", what, d, n)
		}
	}
}

// timed lists the events named name with their time and value.
func (c *collector) timed(name string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, e := range c.events {
		if e.Event == name {
			out = append(out, fmt.Sprintf("%s(%s/%s) at %s value %.0f", e.Event, e.Remote, e.Track, e.Time.Format("15:04:05.000"), e.Value))
		}
	}
	return out
}

func (c *collector) names() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, e := range c.events {
		n := e.Event
		if e.Code != 0 {
			n += fmt.Sprintf("[%d]", e.Code)
		}
		if e.Remote != "" {
			n += "(" + e.Remote + "/" + e.Track + ")"
		}
		if e.Message != "" {
			n += ":" + e.Message
		}
		out = append(out, n)
	}
	return out
}

// waitKicked waits for b's kicked event with reason and the end of its
// session.
func waitKicked(t *testing.T, b *bot.Bot, c *collector, what string, reason signaling.KickReason) {
	t.Helper()
	c.wait(t, 5*time.Second, what, 1, func(ev reports.Event) bool {
		return ev.Event == reports.EvKicked && ev.Message == string(reason)
	})
	select {
	case <-b.Done():
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: the session did not end", what)
	}
}

func is(name, remote, track string) func(reports.Event) bool {
	return func(e reports.Event) bool {
		return e.Event == name && (remote == "" || e.Remote == remote) && (track == "" || e.Track == track)
	}
}

// TestRoomBasics: two publishing bots see each other (members, 1031),
// receive each other's audio and video (first frames), and 1032 on leave.
func TestRoomBasics(t *testing.T) {
	e := newEnv(t)
	room := e.newRoom()
	alice, ac := e.bot(nil, "alice", room, nil)
	start(t, alice)
	bob, bc := e.bot(nil, "bob", room, nil)
	start(t, bob)
	bc.wait(t, 5*time.Second, "bob's member list with alice", 1, func(ev reports.Event) bool {
		return ev.Event == reports.EvMembers && ev.Message == "alice"
	})
	ac.wait(t, 5*time.Second, "1031 bob at alice", 1, is(reports.EvRemoteEntered, "bob", ""))
	for _, kind := range []string{"audio", "video"} {
		ac.wait(t, 10*time.Second, "alice's first "+kind+" frame from bob", 1, is(reports.EvFirstFrame, "bob", kind))
		bc.wait(t, 10*time.Second, "bob's first "+kind+" frame from alice", 1, is(reports.EvFirstFrame, "alice", kind))
	}
	if err := bob.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	ac.wait(t, 5*time.Second, "1032 bob at alice", 1, is(reports.EvRemoteLeft, "bob", ""))
	if n := ac.count(is(reports.EvError, "", "")); n != 0 {
		t.Fatalf("alice had %d errors: %v", n, ac.names())
	}
}

// TestRejoinAfterLeave: when a publisher leaves, its tracks end at the
// others (no freeze is reported for a user who left), and when the same
// user comes back on the m-lines Janus reuses, its new media is analysed
// afresh (first frames again); its room events are raised once per entry,
// at the returning user and at the others. Then it leaves again and
// another user takes the freed m-lines: that media is the new user's,
// none of it is counted for the one who left. (Before the driver
// unsubscribed by sub_mid, about one run in five the returning user was
// never received: see subscriber.forget.)
func TestRejoinAfterLeave(t *testing.T) {
	e := newEnv(t)
	room := e.newRoom()
	alice, ac := e.bot(nil, "alice", room, nil)
	start(t, alice)
	carol, cc := e.bot(nil, "carol", room, nil)
	start(t, carol)
	bob, _ := e.bot(nil, "bob", room, nil)
	start(t, bob)
	for _, kind := range []string{"audio", "video"} {
		ac.wait(t, 10*time.Second, "first "+kind+" frame from bob", 1, is(reports.EvFirstFrame, "bob", kind))
	}
	if err := bob.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	ac.wait(t, 5*time.Second, "1032 bob", 1, is(reports.EvRemoteLeft, "bob", ""))
	time.Sleep(1500 * time.Millisecond) // longer than a freeze takes to be declared
	bob2, bc2 := e.bot(nil, "bob", room, nil)
	returned := time.Now()
	start(t, bob2)
	for _, kind := range []string{"audio", "video"} {
		ac.wait(t, 10*time.Second, "first "+kind+" frame from the returned bob", 2, is(reports.EvFirstFrame, "bob", kind))
		cc.wait(t, 10*time.Second, "carol's first "+kind+" frame from the returned bob", 2, is(reports.EvFirstFrame, "bob", kind))
		bc2.wait(t, 10*time.Second, "the returned bob's first "+kind+" frame from alice", 1, is(reports.EvFirstFrame, "alice", kind))
	}
	// Once per entry: the returned bob's own 1018 and 1020, and the
	// others' 1031/1032/1033/1034 for bob.
	for _, c := range []struct {
		c    *collector
		who  string
		name string
		want int
	}{
		{bc2, "the returned bob", reports.EvEntered, 1},
		{bc2, "the returned bob", reports.EvMembers, 1},
		{ac, "alice", reports.EvRemoteEntered, 2},
		{ac, "alice", reports.EvRemoteLeft, 1},
		{ac, "alice", reports.EvRemoteVideo, 2},
		{ac, "alice", reports.EvRemoteAudio, 2},
		{cc, "carol", reports.EvRemoteEntered, 2},
		{cc, "carol", reports.EvRemoteLeft, 1},
	} {
		remote := "bob"
		if c.c == bc2 {
			remote = ""
		}
		if n := c.c.count(is(c.name, remote, "")); n != c.want {
			t.Errorf("%s: %d %s events for bob, want %d: %v", c.who, n, c.name, c.want, c.c.names())
		}
	}
	if n := bc2.count(is(reports.EvRemoteEntered, "", "")); n != 0 {
		t.Errorf("the returned bob had %d 1031 (alice and carol were there before it): %v", n, bc2.names())
	}

	// bob leaves again; dave takes the m-lines bob's streams had.
	if err := bob2.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	ac.wait(t, 5*time.Second, "second 1032 bob", 2, is(reports.EvRemoteLeft, "bob", ""))
	dave, _ := e.bot(nil, "dave", room, nil)
	start(t, dave)
	for _, kind := range []string{"audio", "video"} {
		ac.wait(t, 10*time.Second, "first "+kind+" frame from dave", 1, is(reports.EvFirstFrame, "dave", kind))
	}
	if n := ac.count(is(reports.EvFirstFrame, "bob", "")); n != 4 {
		t.Errorf("alice: %d first frames from bob, want 4 (audio and video per entry): %v", n, ac.names())
	}
	// No freeze for the user who left: a leaver's track left open (the
	// old defect) freezes when its media stops. Freezes of carol's video,
	// which stays, are logged with the senders' pacing lag, not failed:
	// under heavy load (average 6 to 11 on 2 cores) about one run in
	// twelve had one of 240-630 ms, and the one measured came with the
	// players' scheduler ~290 ms late (pacing lag max 289 ms, p99 253 ms;
	// 6-31 ms and 3-12 ms in passing runs): the generator stalled, the
	// media path did not.
	if n := ac.count(is(reports.EvFreezeStart, "bob", "")); n != 0 {
		t.Errorf("alice saw %d freezes of bob (bob returned at %s): %v; %v", n, returned.Format("15:04:05.000"), ac.timed(reports.EvFreezeEnd), ac.names())
	}
	lag := e.host.PacingLagTotal()
	t.Logf("alice saw %d freezes in all (bob returned at %s): %v; the senders' pacing lag: max %v, p99 %v over %d frames",
		ac.count(is(reports.EvFreezeStart, "", "")), returned.Format("15:04:05.000"), ac.timed(reports.EvFreezeEnd), lag.Max, lag.P99, lag.Frames)
	for _, c := range []*collector{ac, cc} {
		if n := c.count(is(reports.EvError, "", "")); n != 0 {
			t.Fatalf("%d errors: %v", n, c.names())
		}
	}
}
