package bot

import (
	"context"
	"testing"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
)

func TestTwoBotsSeeEachOther(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	a, as := e.bot("alice", room, nil)
	b, bs := e.bot("bob", room, nil)
	start(t, a)
	start(t, b)

	entered := as.wait(t, time.Second, "alice entered", is(reports.EvEntered, "", ""))
	if entered.Code != codes.EnteredRoom || entered.Value <= 0 {
		t.Fatalf("entered event %+v", entered)
	}
	if e := as.wait(t, 5*time.Second, "1031 bob at alice", is(reports.EvRemoteEntered, "bob", "")); e.Code != codes.RemoteUserEntered {
		t.Fatalf("remote_entered %+v", e)
	}
	m := bs.wait(t, 5*time.Second, "1020 at bob", is(reports.EvMembers, "", ""))
	if m.Code != codes.MemberList || m.Value != 1 || m.Message != "alice" {
		t.Fatalf("members %+v", m)
	}
	// entered comes first, the held member list after it, not before in time.
	if n := bs.names(); len(n) < 2 || n[0] != reports.EvEntered {
		t.Fatalf("bob's first event is %v, want entered first", n)
	}
	if be := bs.wait(t, time.Second, "bob entered", is(reports.EvEntered, "", "")); m.Time.Before(be.Time) {
		t.Fatalf("members at %v precedes entered at %v", m.Time, be.Time)
	}
	for _, c := range []struct {
		sink   *collector
		remote string
	}{{as, "bob"}, {bs, "alice"}} {
		for _, kind := range []string{"video", "audio"} {
			ff := c.sink.wait(t, 5*time.Second, "first frame of "+c.remote+" "+kind, is(reports.EvFirstFrame, c.remote, kind))
			t.Logf("first %s frame of %s: %.1f ms", kind, c.remote, ff.Value)
			if ff.Value <= 0 || ff.Value > 1000 {
				t.Errorf("first %s frame of %s after %.0f ms, want within 1 s", kind, c.remote, ff.Value)
			}
		}
	}
	src := bs.wait(t, 5*time.Second, "source of alice", is(reports.EvSource, "alice", "video"))
	if src.Message != "front" {
		t.Errorf("alice's camera seen as %q, want front", src.Message)
	}
}

func TestStopRaises1032AtPeer(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	a, as := e.bot("a", room, nil)
	b, bs := e.bot("b", room, nil)
	start(t, a)
	start(t, b)
	as.wait(t, 5*time.Second, "b entered", is(reports.EvRemoteEntered, "b", ""))
	if err := b.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := b.Stop(context.Background()); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	left := as.wait(t, 5*time.Second, "1032 b", is(reports.EvRemoteLeft, "b", ""))
	if left.Code != codes.RemoteUserLeft {
		t.Fatalf("remote_left %+v", left)
	}
	if l := bs.wait(t, time.Second, "b left", is(reports.EvLeft, "", "")); l.Code != codes.LeftRoom || l.Message != "stop" {
		t.Fatalf("left %+v", l)
	}
	select {
	case <-b.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	if err := b.SetMuted(context.Background(), true); err == nil {
		t.Fatal("SetMuted after Stop succeeded")
	}
}

func TestBadUserSig(t *testing.T) {
	e := newEnv(t)
	b, bs := e.bot("mallory", e.room(), func(c *Config) { c.SecretKey = ""; c.UserSig = "not-a-user-sig" })
	err := b.Start(context.Background())
	if code := signaling.CodeOf(err); code != codes.ErrServerUserSigCheck {
		t.Fatalf("Start: %v (code %d), want %d", err, code, codes.ErrServerUserSigCheck)
	}
	f := bs.wait(t, time.Second, "enter_failed", is(reports.EvEnterFailed, "", ""))
	if f.Code != codes.ErrServerUserSigCheck {
		t.Fatalf("enter_failed %+v", f)
	}
	if e := bs.wait(t, time.Second, "-10", is(reports.EvError, "", "")); e.Code != codes.ErrJoinRoom || e.Tag != "error" {
		t.Fatalf("error event %+v", e)
	}
	if _, ok := bs.find(is(reports.EvEntered, "", "")); ok {
		t.Fatal("entered raised for a refused bot")
	}
}

func TestDuplicateUserIDKicks(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	first, fs := e.bot("twin", room, nil)
	second, _ := e.bot("twin", room, nil)
	start(t, first)
	start(t, second)
	k := fs.wait(t, 5*time.Second, "kicked", is(reports.EvKicked, "", ""))
	if k.Message != string(signaling.KickDuplicateLogin) {
		t.Fatalf("kicked %+v, want reason %q", k, signaling.KickDuplicateLogin)
	}
	if l := fs.wait(t, time.Second, "left", is(reports.EvLeft, "", "")); l.Code != codes.LeftRoom {
		t.Fatalf("left %+v", l)
	}
	select {
	case <-first.Done():
	case <-time.After(time.Second):
		t.Fatal("Done not closed after the kick")
	}
}

// The seed's flow: credentials from the reference service's signing
// endpoint, userID chosen by it.
func TestEnterWithSigningService(t *testing.T) {
	e := newEnv(t)
	room := e.room()
	b, bs := e.bot("", room, func(c *Config) {
		c.SDKAppID, c.SecretKey, c.UserID = 0, "", ""
		c.SignURL = e.srv.URL() + "/api/sign"
	})
	start(t, b)
	if b.UserID() == "" {
		t.Fatal("no userID after entering with a signing service")
	}
	if ev := bs.wait(t, time.Second, "entered", is(reports.EvEntered, "", "")); ev.User != b.UserID() {
		t.Fatalf("entered as %q, bot says %q", ev.User, b.UserID())
	}
}
