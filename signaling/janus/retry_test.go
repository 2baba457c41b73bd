package janus_test

import (
	"context"
	"testing"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/bot/netem"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/janus"
)

// recDriver hands the sessions its driver makes to the test.
type recDriver struct {
	signaling.Driver
	sessions chan signaling.Session
}

func (d recDriver) Join(ctx context.Context, p signaling.JoinParams, h signaling.Handler) (signaling.Session, error) {
	s, err := d.Driver.Join(ctx, p, h)
	if err == nil {
		d.sessions <- s
	}
	return s, err
}

// TestSubscribeBeforePublisherIsReady: alice subscribes to bob while bob
// has joined but not published yet. Janus answers 428 "No such feed"; the
// driver retries until bob's streams exist, alice gets bob's media, and no
// error reaches alice's user.
func TestSubscribeBeforePublisherIsReady(t *testing.T) {
	e := newEnv(t)
	room := e.newRoom()
	rec := recDriver{Driver: e.drv, sessions: make(chan signaling.Session, 1)}
	alice, ac := e.bot(rec, "alice", room, func(c *bot.Config) { c.Role = signaling.RoleAudience })
	start(t, alice)
	sess := <-rec.sessions
	joined := make(chan struct{})
	release := make(chan struct{})
	slow := e.driver(janus.WithBeforePublish(func() {
		close(joined)
		<-release
	}))
	bob, _ := e.bot(slow, "bob", room, nil)
	bobStarted := make(chan error, 1)
	go func() { bobStarted <- bob.Start(context.Background()) }()
	<-joined
	ac.wait(t, 5*time.Second, "1031 bob (joined, not publishing)", 1, is(reports.EvRemoteEntered, "bob", ""))
	janus.ForceSubscribe(sess, "bob")
	deadline := time.Now().Add(5 * time.Second)
	for janus.Retries428(sess) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := janus.Retries428(sess); n < 2 {
		t.Fatalf("%d answers 428 while bob was not publishing, want at least 2 (the retry path)", n)
	}
	close(release)
	if err := <-bobStarted; err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"audio", "video"} {
		ac.wait(t, 10*time.Second, "first "+kind+" frame from bob", 1, is(reports.EvFirstFrame, "bob", kind))
	}
	if n := ac.count(is(reports.EvError, "", "")); n != 0 {
		t.Fatalf("428 reached alice's user: %v", ac.names())
	}
	t.Logf("428 answers retried: %d", janus.Retries428(sess))
}

// TestInjectedLoss: 5 % loss on the receiving bot's socket (bot/netem)
// is reported within 0.5 points of what netem really dropped of the media
// datagrams, and within 1 point of the nominal 5 %. At least 6000 packets
// (720p video and audio).
func TestInjectedLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("needs about 15 s of media")
	}
	e := newEnv(t)
	room := e.newRoom()
	hd := func(c *bot.Config) { c.Media.Resolution = "720p" }
	a, _ := e.bot(nil, "a", room, hd)
	lossy, err := netem.New(netem.Config{RecvLoss: 0.05, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lossy.Close() })
	b, bs := e.bot(nil, "b", room, func(c *bot.Config) { hd(c); c.Role = signaling.RoleAudience }, bot.WithNet(lossy))
	start(t, a)
	start(t, b)
	bs.wait(t, 10*time.Second, "first video frame", 1, is(reports.EvFirstFrame, "a", "video"))
	// Samples wholly after t0, and netem's counters over about the same
	// window (both are rates, so a fraction of an interval at either end
	// changes little).
	time.Sleep(time.Second)
	t0 := time.Now()
	rx0, drop0 := lossy.Counters().Recv.Load(), lossy.Counters().RecvDropped.Load()
	var lost, pkts int64
	sum := func(all []reports.Sample) {
		lost, pkts = 0, 0
		for _, s := range all {
			if s.Time.After(t0.Add(time.Second)) {
				lost += s.RxLost
				pkts += int64(s.RxPackets)
			}
		}
	}
	bs.waitSamples(t, 60*time.Second, "6000 packets", func(all []reports.Sample) bool {
		sum(all)
		return pkts+lost >= 6000
	})
	rx1, drop1 := lossy.Counters().Recv.Load(), lossy.Counters().RecvDropped.Load()
	reported := 100 * float64(lost) / float64(pkts+lost)
	truth := 100 * float64(drop1-drop0) / float64(rx1-rx0+drop1-drop0)
	t.Logf("reported loss %.2f %% (%d of %d packets); netem dropped %.2f %% of %d datagrams",
		reported, lost, pkts+lost, truth, rx1-rx0+drop1-drop0)
	if d := reported - truth; d < -0.5 || d > 0.5 {
		t.Errorf("reported %.2f %%, netem dropped %.2f %%: more than 0.5 points apart", reported, truth)
	}
	if reported < 4 || reported > 6 {
		t.Errorf("reported %.2f %%, want 5 ± 1 %%", reported)
	}
}
