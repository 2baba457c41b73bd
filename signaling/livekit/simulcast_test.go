package livekit_test

import (
	"context"
	"testing"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/reports"
)

func simulcast(c *bot.Config) { c.Media.Simulcast = true }

func view(res string) func(*bot.Config) { return func(c *bot.Config) { c.Media.View = res } }

func height(h int) func(reports.TrackSample) bool {
	return func(ts reports.TrackSample) bool { return ts.Height == h && ts.Frames > 0 }
}

// waitTx blocks until a stats sample taken after t0 has the send track of
// simulcast layer rid for which pred holds (bounded by limit).
func (c *collector) waitTx(t *testing.T, what string, t0 time.Time, rid string, limit time.Duration, pred func(reports.TrackSample) bool) {
	t.Helper()
	mine := func(ts reports.TrackSample) bool { return ts.Dir == reports.Tx && ts.RID == rid }
	c.waitTrack(t, what, t0, limit, func(ts reports.TrackSample) bool { return mine(ts) && pred(ts) }, mine)
}

// TestSimulcastLayerSelection: a simulcast publisher's three layers reach
// LiveKit, and each subscriber receives the layer that fits its view, as
// the picture size in the received bitstream shows (not what was asked):
// 180p for a small view, 720p with no preference; a view change switches
// the layer.
func TestSimulcastLayerSelection(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	alice, as := e.bot("alice", room, simulcast, nil)
	start(t, alice)
	as.wait(t, "alice entered", 1, 5*time.Second, ev(reports.EvEntered, 0, ""))
	t0 := time.Now()
	small, ss := e.bot("small", room, view("180p"), nil)
	start(t, small)
	big, bs := e.bot("big", room, nil, nil)
	start(t, big)
	ss.waitRx(t, "small view receives the 180p layer", t0, "alice", "video", 15*time.Second, height(180))
	bs.waitRx(t, "no preference receives the 720p layer", t0, "alice", "video", 15*time.Second, height(720))
	for _, rid := range []string{"q", "h", "f"} {
		as.waitTx(t, "alice sends layer "+rid, t0, rid, 10*time.Second, hasPackets)
	}
	t1 := time.Now()
	if err := small.SetVideoView(context.Background(), "360p"); err != nil {
		t.Fatal(err)
	}
	ss.waitRx(t, "a 360p view switches to the 360p layer", t1, "alice", "video", 15*time.Second, height(360))
}

// TestDynacast: when nobody receives the high layers the server pauses
// them (SubscribedQualityUpdate) and the publisher stops sending them, as
// LiveKit's clients do: packets counted on the publisher's own send
// streams drop to zero for h and f while q goes on; a subscriber that
// wants 720p brings f back.
func TestDynacast(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	alice, as := e.bot("alice", room, simulcast, nil)
	start(t, alice)
	t0 := time.Now()
	small, ss := e.bot("small", room, view("180p"), nil)
	start(t, small)
	ss.waitRx(t, "small view receives the 180p layer", t0, "alice", "video", 15*time.Second, height(180))
	// LiveKit pauses an unwanted layer after dynacast_pause_delay (5 s).
	silent := func(ts reports.TrackSample) bool { return ts.Packets == 0 }
	for _, rid := range []string{"f", "h"} {
		as.waitTx(t, "layer "+rid+" paused", t0, rid, 20*time.Second, silent)
	}
	tq := quietAfter(time.Now())
	as.waitTx(t, "layer q still sent", tq, "q", 5*time.Second, hasPackets)
	t1 := time.Now()
	if err := small.SetVideoView(context.Background(), "720p"); err != nil {
		t.Fatal(err)
	}
	as.waitTx(t, "layer f resumed for a 720p view", t1, "f", 10*time.Second, hasPackets)
	ss.waitRx(t, "the 720p view receives the 720p layer", t1, "alice", "video", 15*time.Second, height(720))
}
