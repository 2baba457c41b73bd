package livekit_test

import (
	"context"
	"testing"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/livekit"
	"github.com/roombot/roombot/signature"
)

// pair enters a then b in a fresh room and waits until each receives the
// other's audio and video.
func pair(t *testing.T, e *lkEnv, mod func(*bot.Config)) (a, b *bot.Bot, as, bs *collector, room uint32) {
	t.Helper()
	room = e.room()
	a, as = e.bot("a", room, mod, nil)
	start(t, a)
	b, bs = e.bot("b", room, mod, nil)
	start(t, b)
	as.wait(t, "a: first frames of b", 2, 10*time.Second, ev(reports.EvFirstFrame, 0, "b"))
	bs.wait(t, "b: first frames of a", 2, 10*time.Second, ev(reports.EvFirstFrame, 0, "a"))
	return a, b, as, bs, room
}

// TestBlockAndUnblockOnLiveKit: blocking a remote user's video stops its
// media (track settings: disabled; LiveKit still sends padding-only
// probe packets on the muted down track, which carry no frame) while its
// audio still flows; unblock brings it back; an announced stop is no
// freeze.
func TestBlockAndUnblockOnLiveKit(t *testing.T) {
	e := newEnv(t)
	_, b, _, bs, _ := pair(t, e, nil)
	ctx := context.Background()
	t0 := time.Now()
	if err := b.EnableRemoteVideo(ctx, "a", false); err != nil {
		t.Fatal(err)
	}
	bs.waitRx(t, "a's video blocked", quietAfter(t0), "a", "video", 5*time.Second, noFrames)
	bs.waitRx(t, "a's audio still received", quietAfter(t0), "a", "audio", 3*time.Second, hasPackets)
	t1 := time.Now()
	if err := b.EnableRemoteVideo(ctx, "a", true); err != nil {
		t.Fatal(err)
	}
	bs.waitRx(t, "a's video unblocked", quietAfter(t1), "a", "video", 5*time.Second, hasPackets)
	t2 := time.Now()
	if err := b.EnableRemoteAudio(ctx, "a", false); err != nil {
		t.Fatal(err)
	}
	bs.waitRx(t, "a's audio blocked", quietAfter(t2), "a", "audio", 5*time.Second, noFrames)
	if n := bs.count(ev(reports.EvFreezeStart, 0, "a")); n != 0 {
		bs.mu.Lock()
		for _, x := range bs.events {
			if x.Kind == reports.KindMedia || x.Kind == reports.KindAction {
				t.Logf("%s %s %s %s %.0f", x.Time.Format("05.000"), x.Event, x.Track, x.Message, x.Value)
			}
		}
		bs.mu.Unlock()
		t.Errorf("%d freezes for a blocked (announced) video (block %s, unblock %s, audio block %s)", n, t0.Format("05.000"), t1.Format("05.000"), t2.Format("05.000"))
	}
}

// TestRecvModeAudioOnLiveKit: recvmode 2 subscribes to audio only.
func TestRecvModeAudioOnLiveKit(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	a, _ := e.bot("a", room, nil, nil)
	start(t, a)
	b, bs := e.bot("b", room, func(c *bot.Config) { c.RecvMode = signaling.RecvAudio }, nil)
	start(t, b)
	bs.wait(t, "a's audio", 1, 10*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvFirstFrame && e.Remote == "a" && e.Track == "audio"
	})
	t0 := time.Now()
	bs.waitRx(t, "audio flowing", quietAfter(t0), "a", "audio", 5*time.Second, hasPackets)
	if n := bs.count(func(e reports.Event) bool { return e.Event == reports.EvFirstFrame && e.Track == "video" }); n != 0 {
		t.Errorf("recvmode audio received video (%d first frames)", n)
	}
	if err := b.EnableRemoteVideo(context.Background(), "a", true); err != nil {
		t.Fatal(err)
	}
	bs.wait(t, "a's video once asked for", 1, 10*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvFirstFrame && e.Remote == "a" && e.Track == "video"
	})
}

// TestSwitchCameraAndPauseOnLiveKit: the peer sees the back camera's
// picture on the same publication; a pause stalls media unannounced and
// is one freeze at the peer.
func TestSwitchCameraAndPauseOnLiveKit(t *testing.T) {
	e := newEnv(t)
	a, _, _, bs, _ := pair(t, e, nil)
	ctx := context.Background()
	if err := a.SwitchCamera(ctx); err != nil {
		t.Fatal(err)
	}
	bs.wait(t, "back camera seen", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvSource && e.Remote == "a" && e.Message == "back"
	})
	bs.waitRx(t, "a's video at its frame rate", time.Time{}, "a", "video", 5*time.Second, func(ts reports.TrackSample) bool { return ts.Frames >= 10 })
	t0 := time.Now()
	if err := a.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	bs.waitRx(t, "a's video to stall", quietAfter(t0), "a", "video", 5*time.Second, noFrames)
	if n := bs.count(func(e reports.Event) bool {
		return (e.Event == reports.EvRemoteVideo || e.Event == reports.EvRemoteAudio) && e.Time.After(t0)
	}); n != 0 {
		t.Fatalf("pause was announced (%d 1033/1034 events)", n)
	}
	t1 := time.Now()
	if err := a.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	bs.waitRx(t, "a's video to resume", quietAfter(t1), "a", "video", 5*time.Second, hasPackets)
	bs.wait(t, "one freeze", 1, 3*time.Second, ev(reports.EvFreezeEnd, 0, "a"))
	if n := bs.count(ev(reports.EvFreezeStart, 0, "a")); n != 1 {
		t.Errorf("%d freezes for one pause", n)
	}
}

// TestKicksOnLiveKit: a second session with the same identity kicks the
// first (reason kick, as TRTC does); RemoveParticipant is a kick by the
// admin; DeleteRoom dismisses; MutePublishedTrack is seen by peers.
func TestKicksOnLiveKit(t *testing.T) {
	e := newEnv(t)
	admin, err := livekit.NewAdmin(e.srv.URL, e.srv.Key, e.srv.Secret)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, b, as, bs, room := pair(t, e, nil)
	name := livekit.RoomName(room, "")
	if err := admin.MuteTrack(ctx, name, "a", "audio", true); err != nil {
		t.Fatal(err)
	}
	bs.wait(t, "b sees a muted by the server (1034 off)", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvRemoteAudio && e.Remote == "a" && e.Message == "off"
	})
	a2, _ := e.bot("a", room, nil, nil)
	start(t, a2)
	as.wait(t, "the first a is kicked by the second", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvKicked && e.Message == string(signaling.KickDuplicateLogin)
	})
	<-a.Done()
	if err := admin.RemoveParticipant(ctx, name, "b"); err != nil {
		t.Fatal(err)
	}
	bs.wait(t, "b removed by the admin", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvKicked && e.Message == string(signaling.KickByAdmin)
	})
	room2 := e.room()
	c, cs := e.bot("c", room2, nil, nil)
	start(t, c)
	if got, err := admin.RoomOf(ctx, "c"); err != nil || got != livekit.RoomName(room2, "") {
		t.Fatalf("RoomOf(c) = %q, %v", got, err)
	}
	if err := admin.DeleteRoom(ctx, livekit.RoomName(room2, "")); err != nil {
		t.Fatal(err)
	}
	cs.wait(t, "c's room dismissed", 1, 5*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvKicked && e.Message == string(signaling.KickRoomDismissed)
	})
	_ = b
}

// TestPrivilegesAsGrants: without the send-video bit the token has no
// camera source; the video publish is refused (-102013, as the reference
// service) and the peer gets audio only. A string room ID is the room
// name as is.
func TestPrivilegesAsGrants(t *testing.T) {
	e := newEnv(t)
	a, as := e.bot("a", 0, func(c *bot.Config) {
		c.StrRoomID, c.Privileges = "class-7", signature.PrivAll&^signature.PrivSendVideo
	}, nil)
	start(t, a)
	as.wait(t, "video refused", 1, 5*time.Second, ev(reports.EvError, codes.ErrCenterNoPushVideoPerm, ""))
	b, bs := e.bot("b", 0, func(c *bot.Config) { c.StrRoomID = "class-7" }, nil)
	start(t, b)
	bs.wait(t, "a's audio", 1, 10*time.Second, func(e reports.Event) bool {
		return e.Event == reports.EvFirstFrame && e.Remote == "a" && e.Track == "audio"
	})
	t0 := time.Now()
	bs.waitRx(t, "a's audio flowing", quietAfter(t0), "a", "audio", 5*time.Second, hasPackets)
	if n := bs.count(func(e reports.Event) bool { return e.Event == reports.EvFirstFrame && e.Track == "video" }); n != 0 {
		t.Errorf("b received video from a, who may not publish it")
	}
	g := livekit.Grants(signature.PrivEnter|signature.PrivRecvAudio, "r", false)
	if !g.RoomJoin || g.GetCanPublish() || !g.GetCanSubscribe() || g.GetCanPublishData() {
		t.Errorf("grants of enter+recv-audio: %+v", g)
	}
}
