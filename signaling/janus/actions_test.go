package janus_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/janus"
	"github.com/roombot/roombot/signature"
)

func withIM(c *bot.Config) { c.EnableIM = true }

// rxPackets is the packet count of the track of kind from remote in s.
func rxPackets(s reports.Sample, remote, kind string) (uint64, bool) {
	for _, ts := range s.Tracks {
		if ts.Dir == reports.Rx && ts.Remote == remote && ts.Kind == kind {
			return ts.Packets, true
		}
	}
	return 0, false
}

// TestMediaStateBlockAndIM: mute and camera off reach the peers as
// 1034/1033 (and the relay stops); blocking a user's video stops its
// packets and unblocking resumes them; group, custom and C2C IM go
// through TextRoom to exactly the right receivers.
func TestMediaStateBlockAndIM(t *testing.T) {
	e := newEnv(t)
	room := e.newRoom()
	alice, ac := e.bot(nil, "alice", room, withIM)
	bob, bc := e.bot(nil, "bob", room, withIM)
	carol, cc := e.bot(nil, "carol", room, withIM)
	start(t, alice)
	start(t, bob)
	start(t, carol)
	for _, c := range []*collector{bc, cc} {
		c.wait(t, 10*time.Second, "first video frame from alice", 1, is(reports.EvFirstFrame, "alice", "video"))
	}
	ctx := context.Background()

	onOff := func(name, remote, msg string) func(reports.Event) bool {
		return func(ev reports.Event) bool { return is(name, remote, "")(ev) && ev.Message == msg }
	}
	if err := alice.SetMuted(ctx, true); err != nil {
		t.Fatal(err)
	}
	bc.wait(t, 5*time.Second, "1034 off", 1, onOff(reports.EvRemoteAudio, "alice", "off"))
	if err := alice.SetMuted(ctx, false); err != nil {
		t.Fatal(err)
	}
	bc.wait(t, 5*time.Second, "1034 on", 1, onOff(reports.EvRemoteAudio, "alice", "on"))
	if err := alice.EnableCamera(ctx, false); err != nil {
		t.Fatal(err)
	}
	cc.wait(t, 5*time.Second, "1033 off", 1, onOff(reports.EvRemoteVideo, "alice", "off"))
	if err := alice.EnableCamera(ctx, true); err != nil {
		t.Fatal(err)
	}
	cc.wait(t, 5*time.Second, "1033 on", 1, onOff(reports.EvRemoteVideo, "alice", "on"))
	if n := cc.count(onOff(reports.EvRemoteVideo, "alice", "off")); n != 1 {
		t.Errorf("carol saw %d 1033 off for alice, want 1: %v", n, cc.names())
	}

	// A view size (set_view) is accepted on Janus and selects nothing: one
	// layer per track, so bob keeps receiving alice's video as before.
	if err := bob.SetVideoView(ctx, "180p"); err != nil {
		t.Fatalf("set_view on Janus: %v", err)
	}

	// Switch camera: same track, the other fixture; bob recognises it.
	if err := alice.SwitchCamera(ctx); err != nil {
		t.Fatal(err)
	}
	bc.wait(t, 5*time.Second, "alice's back camera at bob", 1, onOff(reports.EvSource, "alice", "back"))

	// Blocking: bob's samples of alice's video go to zero packets, then
	// come back.
	if err := bob.EnableRemoteVideo(ctx, "alice", false); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(1500 * time.Millisecond) // a whole interval after the block took effect
	bc.waitSample(t, 6*time.Second, "a sample without alice's video", func(s reports.Sample) bool {
		n, ok := rxPackets(s, "alice", "video")
		a, _ := rxPackets(s, "alice", "audio")
		return s.Time.After(t0) && ok && n == 0 && a > 0
	})
	if err := bob.EnableRemoteVideo(ctx, "alice", true); err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	bc.waitSample(t, 6*time.Second, "alice's video again", func(s reports.Sample) bool {
		n, _ := rxPackets(s, "alice", "video")
		return s.Time.After(t1) && n > 0
	})
	if err := bob.EnableRemoteAudio(ctx, "nobody", false); !errors.Is(err, bot.ErrUnknownRemote) {
		t.Errorf("blocking an unknown user: %v", err)
	}

	// IM.
	if err := alice.SendGroupText(ctx, "hello room"); err != nil {
		t.Fatal(err)
	}
	if err := alice.SendGroupCustom(ctx, `{"cmd":"wave"}`, "wave", "smoke"); err != nil {
		t.Fatal(err)
	}
	if err := carol.SendC2CText(ctx, "bob", "psst"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*collector{bc, cc} {
		c.wait(t, 5*time.Second, "group messages", 2, is(reports.EvBigGroupMsg, "alice", ""))
	}
	bc.wait(t, 5*time.Second, "C2C message", 1, is(reports.EvMsgNotify, "carol", ""))
	if n := bc.count(func(ev reports.Event) bool {
		return ev.Event == reports.EvBigGroupMsg && ev.Message == `{"cmd":"wave"}`
	}); n != 1 {
		t.Errorf("bob got the custom message's data %d times: %v", n, bc.names())
	}
	if n := ac.count(is(reports.EvBigGroupMsg, "", "")) + ac.count(is(reports.EvMsgNotify, "", "")) + cc.count(is(reports.EvMsgNotify, "", "")); n != 0 {
		t.Errorf("%d messages reached a sender or a non-receiver", n)
	}
	var ie *bot.IMError
	if err := alice.SendC2CText(ctx, "nobody", "x"); !errors.As(err, &ie) || ie.Code != codes.ErrIMSendFailed {
		t.Errorf("C2C to a user not in the room: %v", err)
	}
	for name, c := range map[string]*collector{"alice": ac, "bob": bc, "carol": cc} {
		if n := c.count(func(ev reports.Event) bool { return ev.Event == reports.EvError }); n != 0 {
			t.Errorf("%s had %d errors: %v", name, n, c.names())
		}
	}
}

// TestKickAndDestroy: a VideoRoom kick removes one user (kicked, and 1032
// at the others); destroying the room removes everyone (room-disband).
func TestKickAndDestroy(t *testing.T) {
	e := newEnv(t)
	room := e.newRoom()
	alice, ac := e.bot(nil, "alice", room, withIM)
	bob, bc := e.bot(nil, "bob", room, withIM)
	start(t, alice)
	start(t, bob)
	ac.wait(t, 5*time.Second, "1031 bob", 1, is(reports.EvRemoteEntered, "bob", ""))
	adm := janus.NewAdmin(e.jh.WSURL, secret, e.jh.AdminKey)
	ctx := context.Background()
	// A moderator's mute (VideoRoom moderate, the stream found through the
	// Admin API) reaches the peers as 1033 off, and back on.
	if err := adm.MuteTrack(ctx, 0, "bob", "video", true); !errors.Is(err, janus.ErrNoAdminAPI) {
		t.Fatalf("mute without the Admin API: %v", err)
	}
	adm.WithAdminAPI(e.jh.AdminURL, e.jh.AdminSecret)
	ac.wait(t, 10*time.Second, "first video frame from bob", 1, is(reports.EvFirstFrame, "bob", "video"))
	if err := adm.MuteTrack(ctx, 0, "bob", "video", true); err != nil {
		t.Fatal(err)
	}
	onOff := func(msg string) func(reports.Event) bool {
		return func(ev reports.Event) bool { return is(reports.EvRemoteVideo, "bob", "")(ev) && ev.Message == msg }
	}
	ac.wait(t, 5*time.Second, "1033 off after the moderator's mute", 1, onOff("off"))
	if err := adm.MuteTrack(ctx, uint64(room), "bob", "video", false); err != nil {
		t.Fatal(err)
	}
	ac.wait(t, 5*time.Second, "1033 on after the unmute", 2, onOff("on"))
	if err := adm.Kick(ctx, uint64(room), "bob"); err != nil {
		t.Fatal(err)
	}
	waitKicked(t, bob, bc, "bob kicked", signaling.KickByAdmin)
	ac.wait(t, 5*time.Second, "1032 bob", 1, is(reports.EvRemoteLeft, "bob", ""))
	if err := adm.Kick(ctx, uint64(room), "nobody"); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("kick of nobody: %v", err)
	}
	if err := adm.Destroy(ctx, uint64(room)); err != nil {
		t.Fatal(err)
	}
	ac.wait(t, 5*time.Second, "alice removed with the room", 1, func(ev reports.Event) bool {
		return ev.Event == reports.EvKicked && ev.Message == string(signaling.KickRoomDismissed)
	})
	if err := janus.NewAdmin(e.jh.WSURL, "wrong", "").Destroy(ctx, uint64(e.newRoom())); err == nil {
		t.Error("destroying a room that does not exist succeeded")
	}
}

// TestEnterRefused: an unknown room, a wrong pin and a token outside the
// room's allowed list refuse the enter with the TRTC code and Janus's own
// code in the detail; the right pin and token enter.
func TestEnterRefused(t *testing.T) {
	e := newEnv(t)
	pinned, acl := e.newRoom(), e.newRoom()
	// Create the two rooms by entering them with the right pin / token.
	owner := e.driver(janus.WithCreateRooms(e.jh.AdminKey, janus.Room{Secret: secret, Pin: "1234"}), janus.WithPin("1234"))
	b, _ := e.bot(owner, "owner", pinned, nil)
	start(t, b)
	aclOwner := e.driver(janus.WithCreateRooms(e.jh.AdminKey, janus.Room{Secret: secret, Allowed: []string{"tok-good"}}), janus.WithToken("tok-good"))
	b2, _ := e.bot(aclOwner, "owner", acl, withIM)
	start(t, b2)
	// The enter bit through the room's allowed list (Room.EnterACL).
	enterACL := e.driver(janus.WithCreateRooms(e.jh.AdminKey, janus.Room{Secret: secret, EnterACL: true}))
	gated := e.newRoom()
	b4, _ := e.bot(enterACL, "owner", gated, withIM)
	start(t, b4)
	noEnter := func(c *bot.Config) { c.Privileges = signature.PrivAll &^ signature.PrivEnter }
	cases := []struct {
		name  string
		drv   *janus.Driver
		room  uint32
		im    bool
		code  int
		janus string
	}{
		{"unknown room", e.driver(janus.WithoutCreateRooms()), e.newRoom(), false, codes.ErrCenterRoomNotExist, "error 426"},
		{"no pin", e.driver(), pinned, false, codes.ErrCenterNoEnterPerm, "error 429: Missing mandatory element (pin)"},
		{"wrong pin", e.driver(janus.WithPin("9999")), pinned, false, codes.ErrCenterNoEnterPerm, "error 433"},
		{"token not allowed", e.driver(janus.WithToken("tok-bad")), acl, false, codes.ErrCenterNoEnterPerm, "error 433"},
		{"right pin", e.driver(janus.WithPin("1234")), pinned, false, 0, ""},
		{"allowed token, IM too", e.driver(janus.WithToken("tok-good")), acl, true, 0, ""},
		{"privileges without enter", enterACL, gated, false, codes.ErrCenterNoEnterPerm, "error 433"},
		{"privileges with enter", enterACL, gated, true, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, c := e.bot(tc.drv, "guest", tc.room, func(c *bot.Config) {
				c.EnableIM = tc.im
				if tc.name == "privileges without enter" {
					noEnter(c)
				}
			})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := b.Start(ctx)
			if tc.code == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				_ = b.Stop(ctx)
				return
			}
			if got := signaling.CodeOf(err); got != tc.code || !strings.Contains(err.Error(), tc.janus) {
				t.Fatalf("err %v (code %d), want code %d and %q", err, got, tc.code, tc.janus)
			}
			c.wait(t, time.Second, "enter_failed", 1, func(ev reports.Event) bool {
				return ev.Event == reports.EvEnterFailed && ev.Code == tc.code
			})
		})
	}
	// A room ID Janus cannot take is refused before connecting.
	b3, _ := e.bot(nil, "x", 0, func(c *bot.Config) { c.RoomID, c.StrRoomID = 0, "room-a" })
	if err := b3.Start(context.Background()); signaling.CodeOf(err) != codes.ErrRoomIDInvalid || !strings.Contains(err.Error(), "string_ids") {
		t.Errorf("strRoomID: %v", err)
	}
}

// TestDrop: the Admin API's destroy_session ends a participant's Janus
// session behind its back; its driver notices at the next keepalive (the
// WebSocket stays open) and reports the lost connection; the bot then
// reconnects as the TRTC SDK does (1102, re-enter, recovered), and the
// others see it leave and enter again.
func TestDrop(t *testing.T) {
	e := newEnv(t)
	room := e.newRoom()
	alice, ac := e.bot(nil, "alice", room, nil)
	start(t, alice)
	quick := e.driver(janus.WithKeepalive(300 * time.Millisecond))
	bob, bc := e.bot(quick, "bob", room, withIM)
	start(t, bob)
	ac.wait(t, 5*time.Second, "1031 bob", 1, is(reports.EvRemoteEntered, "bob", ""))
	adm := janus.NewAdmin(e.jh.WSURL, secret, e.jh.AdminKey)
	if err := adm.Drop(context.Background(), 0, "bob"); !errors.Is(err, janus.ErrNoAdminAPI) {
		t.Fatalf("drop without the Admin API: %v", err)
	}
	if err := adm.WithAdminAPI(e.jh.AdminURL, e.jh.AdminSecret).Drop(context.Background(), 0, "bob"); err != nil {
		t.Fatal(err)
	}
	bc.wait(t, 5*time.Second, "bob's lost connection (1102)", 1, func(ev reports.Event) bool {
		return ev.Event == reports.EvReconnecting && ev.Code == codes.WarnPushReconnect && ev.Remote == ""
	})
	bc.wait(t, 10*time.Second, "bob recovered", 1, func(ev reports.Event) bool { return ev.Event == reports.EvRecovered && ev.Remote == "" })
	ac.wait(t, 5*time.Second, "1032 bob", 1, is(reports.EvRemoteLeft, "bob", ""))
	if n := bc.count(func(ev reports.Event) bool { return ev.Event == reports.EvError }); n != 0 {
		t.Errorf("the drop raised other errors at bob: %v", bc.names())
	}
}
