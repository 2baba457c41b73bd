package janus_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/janus"
)

// TestDuplicateUserID: a second session of a userID takes over, as on
// TRTC and the other targets: the first is kicked with reason "kick" and
// its session ends, the others see the user leave and enter again (1032,
// then 1031) and receive the new session's media and IM, and Janus holds
// one participant of that userID. IM is on, so the new session's TextRoom
// join waits for the first to give up the username.
func TestDuplicateUserID(t *testing.T) {
	e := newEnv(t)
	room := e.newRoom()
	ctx := context.Background()
	alice, ac := e.bot(nil, "alice", room, withIM)
	start(t, alice)
	bob, bc := e.bot(nil, "bob", room, withIM)
	start(t, bob)
	for _, kind := range []string{"audio", "video"} {
		ac.wait(t, 10*time.Second, "first "+kind+" frame from bob", 1, is(reports.EvFirstFrame, "bob", kind))
	}
	bob2, bc2 := e.bot(nil, "bob", room, withIM)
	start(t, bob2)
	waitKicked(t, bob, bc, "the first bob kicked by the second", signaling.KickDuplicateLogin)
	ac.wait(t, 5*time.Second, "1032 of the first bob", 1, is(reports.EvRemoteLeft, "bob", ""))
	ac.wait(t, 5*time.Second, "1031 of the second bob", 2, is(reports.EvRemoteEntered, "bob", ""))
	names := ac.names()
	left := slices.Index(names, "remote_left[1032](bob/)")
	if second := lastIndex(names, "remote_entered[1031](bob/)"); left < 0 || second < left {
		t.Errorf("alice: want 1032 bob before the second 1031 bob: %v", names)
	}
	for _, kind := range []string{"audio", "video"} {
		ac.wait(t, 10*time.Second, "first "+kind+" frame from the second bob", 2, is(reports.EvFirstFrame, "bob", kind))
		bc2.wait(t, 10*time.Second, "the second bob's first "+kind+" frame from alice", 1, is(reports.EvFirstFrame, "alice", kind))
	}
	bc2.wait(t, 5*time.Second, "the second bob's member list", 1, func(ev reports.Event) bool {
		return ev.Event == reports.EvMembers && ev.Message == "alice"
	})
	if n := bc2.count(is(reports.EvRemoteEntered, "", "")) + bc2.count(is(reports.EvRemoteLeft, "", "")); n != 0 {
		t.Errorf("the second bob saw %d users enter or leave: %v", n, bc2.names())
	}
	// IM reaches the new session, and comes from it.
	if err := alice.SendC2CText(ctx, "bob", "still there?"); err != nil {
		t.Fatal(err)
	}
	bc2.wait(t, 5*time.Second, "C2C at the second bob", 1, is(reports.EvMsgNotify, "alice", ""))
	if err := bob2.SendGroupText(ctx, "yes"); err != nil {
		t.Fatal(err)
	}
	ac.wait(t, 5*time.Second, "group message from the second bob", 1, is(reports.EvBigGroupMsg, "bob", ""))
	if got, err := janus.Participants(ctx, e.jh.WSURL, uint64(room)); err != nil || !slices.Equal(got, []string{"alice", "bob"}) {
		t.Errorf("room participants %v, %v; want alice and one bob", got, err)
	}
	for name, c := range map[string]*collector{"alice": ac, "second bob": bc2, "first bob": bc} {
		if n := c.count(is(reports.EvError, "", "")); n != 0 {
			t.Errorf("%s had %d errors: %v", name, n, c.names())
		}
	}
	if n := ac.count(is(reports.EvFreezeStart, "", "")); n != 0 {
		t.Errorf("alice saw %d freezes: %v", n, ac.names())
	}
}

// TestDuplicateUserIDKicksUnresponsive: a first session that does not
// react (here a bare Janus participant of the same display) is kicked by
// the new session after the grace, with the room secret the driver knows;
// the others see one 1032 for it, not a second one at the kick.
func TestDuplicateUserIDKicksUnresponsive(t *testing.T) {
	e := newEnv(t, janus.WithTakeoverGrace(300*time.Millisecond))
	room := e.newRoom()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	alice, ac := e.bot(nil, "alice", room, nil)
	start(t, alice)
	bare, err := janus.JoinBare(ctx, e.jh.WSURL, uint64(room), "dave")
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	ac.wait(t, 5*time.Second, "1031 of the bare dave", 1, is(reports.EvRemoteEntered, "dave", ""))
	dave, _ := e.bot(nil, "dave", room, nil)
	start(t, dave)
	select {
	case <-bare.Kicked:
	case <-time.After(5 * time.Second):
		t.Fatal("the bare dave was not kicked")
	}
	for _, kind := range []string{"audio", "video"} {
		ac.wait(t, 10*time.Second, "first "+kind+" frame from the bot dave", 1, is(reports.EvFirstFrame, "dave", kind))
	}
	if got, err := janus.Participants(ctx, e.jh.WSURL, uint64(room)); err != nil || !slices.Equal(got, []string{"alice", "dave"}) {
		t.Errorf("room participants %v, %v; want alice and one dave", got, err)
	}
	if n, m := ac.count(is(reports.EvRemoteLeft, "dave", "")), ac.count(is(reports.EvRemoteEntered, "dave", "")); n != 1 || m != 2 {
		t.Errorf("alice: %d 1032 and %d 1031 for dave, want 1 and 2: %v", n, m, ac.names())
	}
}

func lastIndex(s []string, v string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == v {
			return i
		}
	}
	return -1
}
