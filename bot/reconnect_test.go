package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/bot/netem"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
)

// reconnectEvents lists a collector's reconnection events (and the
// errors, IM connection events and leave that end a session), from the
// first reconnecting on, in order, as "name code" strings: the plan a test
// compares with.
func reconnectEvents(c *collector, remote string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, e := range c.events {
		if e.Remote != remote || (len(out) == 0 && e.Event != reports.EvReconnecting) {
			continue
		}
		switch e.Event {
		case reports.EvReconnecting, reports.EvRecovered, reports.EvError, reports.EvLeft:
			out = append(out, fmt.Sprintf("%s %d", e.Event, e.Code))
		case reports.EvConnectionEvent:
			out = append(out, fmt.Sprintf("im %d", e.Code))
		}
	}
	return out
}

// impairedPair starts a (on its own impaired network, with reconnection
// r) and b (a viewer with reconnection rb) and waits for a's media at b.
func impairedPair(t *testing.T, e *env, r, rb Reconnect) (a, b *Bot, n *netem.Net, as, bs *collector) {
	t.Helper()
	n, err := netem.New(netem.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	room := e.room()
	a, as = e.bot("a", room, func(c *Config) { c.EnableIM = true }, WithNet(n), WithReconnect(r))
	b, bs = e.bot("b", room, nil, WithReconnect(rb))
	start(t, a)
	start(t, b)
	bs.wait(t, 5*time.Second, "first video frame of a", is(reports.EvFirstFrame, "a", "video"))
	return a, b, n, as, bs
}

// A 2 s offline window (media and signaling): a notices within LostAfter,
// raises 1102 once, re-enters after the SDK's 3 s interval and recovers;
// b sees a leave, come back and its video resume. Nothing else.
func TestReconnectRecoversFromOfflineWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, _, n, as, bs := impairedPair(t, e, DefaultReconnect, DefaultReconnect)
	off, _ := netem.Preset("offline")
	t0 := time.Now()
	if err := n.SetFor(off, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	rec := as.wait(t, 15*time.Second, "recovered", is(reports.EvRecovered, "", ""))
	// Lost after ~LostAfter, one interval, then the attempt: the outage
	// is at least the interval and well under two.
	if rec.Value < float64(DefaultReconnectInterval.Milliseconds()) || rec.Value > float64((2*DefaultReconnectInterval).Milliseconds()) {
		t.Errorf("outage %.0f ms, want between one and two 3 s intervals", rec.Value)
	}
	bs.wait(t, 5*time.Second, "a's video again", func(ev reports.Event) bool {
		return ev.Event == reports.EvFirstFrame && ev.Remote == "a" && ev.Track == "video" && ev.Time.After(t0)
	})
	want := []string{"reconnecting 1102", "im 1", "recovered 0", "im 0"}
	if got := reconnectEvents(as, ""); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("a's events %v, want %v", got, want)
	}
	if got := reconnectEvents(bs, "a"); len(got) != 0 {
		t.Errorf("b's player events for a %v, want none (a left and came back before b's player stalled)", got)
	}
	if err := a.SetMuted(context.Background(), true); err != nil {
		t.Errorf("mute after recovering: %v", err)
	}
	bs.wait(t, 3*time.Second, "1034 off after recovering", func(ev reports.Event) bool {
		return ev.Event == reports.EvRemoteAudio && ev.Remote == "a" && ev.Message == "off"
	})
}

// A 60 s offline window with one attempt (the SDK's minimum count, at its
// minimum 3 s interval): a raises 1102, -1307, -6 and leaves; b's player
// raises 2103 after PlayerStall and -2301 after one interval more.
func TestReconnectGivesUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	one := Reconnect{Attempts: 1, Interval: 3 * time.Second, LostAfter: DefaultLostAfter, PlayerStall: DefaultPlayerStall}
	a, _, n, as, bs := impairedPair(t, e, one, one)
	off, _ := netem.Preset("offline")
	if err := n.SetFor(off, 60*time.Second); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.Done():
	case <-time.After(15 * time.Second):
		t.Fatal("a did not give up")
	}
	want := []string{"reconnecting 1102", "im 1", "error -1307", "error -6", "im 9999", "left 1019"}
	if got := reconnectEvents(as, ""); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("a's events %v, want %v", got, want)
	}
	bs.wait(t, 10*time.Second, "-2301 for a", func(ev reports.Event) bool {
		return ev.Code == codes.ErrPlayerNetworkLost && ev.Remote == "a"
	})
	if got, want := reconnectEvents(bs, "a"), []string{"reconnecting 2103", "error -2301"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("b's player events for a %v, want %v", got, want)
	}
	if err := a.SetMuted(context.Background(), true); err == nil {
		t.Error("an action succeeded after giving up")
	}
}
