package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signaling/native"
)

// env is one in-process reference service and a shared Host, over loopback.
type env struct {
	t    *testing.T
	srv  *server.Server
	host *Host
}

var roomSeq atomic.Uint32

// newEnv starts the reference service and a Host; both close at cleanup,
// after every bot made by the env has stopped.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	srv, err := server.Start(ctx, server.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	h, err := NewHost()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return &env{t: t, srv: srv, host: h}
}

// room returns a room ID no other test uses.
func (e *env) room() uint32 { return 1000 + roomSeq.Add(1) }

// bot makes a bot in room signing with the dev app's key; it is stopped at
// cleanup (before the host and server close: cleanups run last-in first-out).
func (e *env) bot(user string, room uint32, mod func(*Config), opts ...Option) (*Bot, *collector) {
	e.t.Helper()
	cfg := Config{SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey, UserID: user, RoomID: room}
	if mod != nil {
		mod(&cfg)
	}
	sink := newCollector()
	drv := native.New(e.srv.SignalURL(), native.WithLogger(slog.New(slog.DiscardHandler)))
	opts = append([]Option{WithDriver(drv), WithSink(sink), WithHost(e.host)}, opts...)
	b, err := New(cfg, opts...)
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

// start starts b or fails the test.
func start(t *testing.T, b *Bot) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Start(ctx); err != nil {
		t.Fatalf("start %s: %v", b.UserID(), err)
	}
}

// is matches an event by name, remote and track ("" matches any).
func is(name, remote, track string) func(reports.Event) bool {
	return func(e reports.Event) bool {
		return e.Event == name && (remote == "" || e.Remote == remote) && (track == "" || e.Track == track)
	}
}

// rxTrack returns the received track of kind from remote in s.
func rxOf(s reports.Sample, remote, kind string) (reports.TrackSample, bool) {
	for _, ts := range s.Tracks {
		if ts.Dir == reports.Rx && ts.Remote == remote && ts.Kind == kind {
			return ts, true
		}
	}
	return reports.TrackSample{}, false
}

// samplesAfter returns the samples taken after t0.
func samplesAfter(all []reports.Sample, t0 time.Time) []reports.Sample {
	var out []reports.Sample
	for _, s := range all {
		if s.Time.After(t0) {
			out = append(out, s)
		}
	}
	return out
}

// waitRx waits until a sample taken after t0 shows pred true for the
// track of kind from remote, and returns that track sample.
func waitRx(t *testing.T, c *collector, d time.Duration, what string, t0 time.Time, remote, kind string,
	pred func(reports.TrackSample) bool) reports.TrackSample {
	t.Helper()
	var got reports.TrackSample
	c.waitSamples(t, d, what, func(all []reports.Sample) bool {
		for _, s := range samplesAfter(all, t0) {
			if ts, ok := rxOf(s, remote, kind); ok && pred(ts) {
				got = ts
				return true
			}
		}
		return false
	})
	return got
}

func names(user string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", user, i)
	}
	return out
}
