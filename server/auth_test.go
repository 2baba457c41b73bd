package server

import (
	"testing"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signature"
)

const (
	permApp    uint32 = 1400000002 // room permissions on, member limit 2
	permSecret        = "perm-app-secret"
	otherApp   uint32 = 1400000003
	otherKey          = "other-app-secret"
)

func signer(t *testing.T, app uint32, key string, opts ...signature.Option) *signature.Signer {
	t.Helper()
	s, err := signature.NewSigner(app, key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pmk(t *testing.T, s *signature.Signer, user string, room signature.Room, p signature.Privilege) string {
	t.Helper()
	k, err := s.PrivateMapKey(user, time.Hour, room, p)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sig(t *testing.T, s *signature.Signer, user string) string {
	t.Helper()
	k, err := s.UserSig(user, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestAuthMatrix(t *testing.T) {
	s := startServer(t, Config{Apps: []AppConfig{
		{SDKAppID: DefaultSDKAppID, SecretKey: DevSecretKey},
		{SDKAppID: permApp, SecretKey: permSecret, RoomPermissions: true, MaxMembers: 2},
		{SDKAppID: otherApp, SecretKey: otherKey},
	}})
	dev := signer(t, DefaultSDKAppID, DevSecretKey)
	perm := signer(t, permApp, permSecret)
	other := signer(t, otherApp, otherKey)
	forger := signer(t, DefaultSDKAppID, "not-the-key")
	past := signer(t, DefaultSDKAppID, DevSecretKey, signature.WithNow(func() time.Time { return time.Now().Add(-48 * time.Hour) }))
	permPast := signer(t, permApp, permSecret, signature.WithNow(func() time.Time { return time.Now().Add(-48 * time.Hour) }))
	room := signature.NumericRoom(77)
	permJoin := func(user string) joinOpts {
		return joinOpts{app: permApp, room: 77, sig: sig(t, perm, user), pmk: pmk(t, perm, user, room, signature.PrivAll)}
	}
	// p1 keeps room 77 open for the whole test (member limit 2).
	mustJoin(t, s, "p1", permJoin("p1"))

	cases := []struct {
		name string
		user string
		o    joinOpts
		want int
	}{
		{"valid", "u1", joinOpts{room: 5, sig: sig(t, dev, "u1")}, 0},
		{"expired", "u1", joinOpts{room: 5, sig: sig(t, past, "u1")}, codes.ErrSigExpired},
		{"wrong app", "u1", joinOpts{room: 5, sig: sig(t, other, "u1")}, codes.ErrSigSDKAppIDMismatch},
		{"unknown app", "u1", joinOpts{room: 5, app: 1400009999, sig: sig(t, dev, "u1")}, codes.ErrServerBadSDKAppID},
		{"wrong user", "u1", joinOpts{room: 5, sig: sig(t, dev, "u2")}, codes.ErrSigIdentifierMismatch},
		{"forged", "u1", joinOpts{room: 5, sig: sig(t, forger, "u1")}, codes.ErrServerUserSigCheck},
		{"garbage", "u1", joinOpts{room: 5, sig: "eJyrVkrLSS0uTk0BAAvZAuo="}, codes.ErrServerUserSigCheck},
		{"no room", "u1", joinOpts{sig: sig(t, dev, "u1")}, codes.ErrRoomIDInvalid},
		{"bad user id", "u 1", joinOpts{room: 5, sig: "x"}, codes.ErrUserIDInvalid},
		{"perm: missing key", "p2", joinOpts{app: permApp, room: 77, sig: sig(t, perm, "p2")}, codes.ErrServerPrivilegeFlag},
		{"perm: other room", "p2", joinOpts{app: permApp, room: 77, sig: sig(t, perm, "p2"),
			pmk: pmk(t, perm, "p2", signature.NumericRoom(78), signature.PrivAll)}, codes.ErrServerPrivilegeFlag},
		{"perm: string room vs numeric", "p2", joinOpts{app: permApp, room: 77, sig: sig(t, perm, "p2"),
			pmk: pmk(t, perm, "p2", signature.StringRoom("77"), signature.PrivAll)}, codes.ErrServerPrivilegeFlag},
		{"perm: other user", "p2", joinOpts{app: permApp, room: 77, sig: sig(t, perm, "p2"),
			pmk: pmk(t, perm, "p3", room, signature.PrivAll)}, codes.ErrServerPrivilegeFlag},
		{"perm: other app", "p2", joinOpts{app: permApp, room: 77, sig: sig(t, perm, "p2"),
			pmk: pmk(t, other, "p2", room, signature.PrivAll)}, codes.ErrServerPrivilegeFlag},
		{"perm: expired ticket", "p2", joinOpts{app: permApp, room: 77, sig: sig(t, perm, "p2"),
			pmk: pmk(t, permPast, "p2", room, signature.PrivAll)}, codes.ErrTicketExpired},
		{"perm: no enter bit", "p2", joinOpts{app: permApp, room: 77, sig: sig(t, perm, "p2"),
			pmk: pmk(t, perm, "p2", room, signature.PrivAll&^signature.PrivEnter)}, codes.ErrCenterNoEnterPerm},
		{"perm: no create bit, new room", "p2", joinOpts{app: permApp, room: 79, sig: sig(t, perm, "p2"),
			pmk: pmk(t, perm, "p2", signature.NumericRoom(79), signature.PrivAll&^signature.PrivCreate)}, codes.ErrCenterNoCreatePerm},
		{"perm: no create bit, existing room", "p2", joinOpts{app: permApp, room: 77, sig: sig(t, perm, "p2"),
			pmk: pmk(t, perm, "p2", room, signature.PrivAll&^signature.PrivCreate)}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := join(t, s, c.user, c.o)
			if got := signaling.CodeOf(err); got != c.want {
				t.Fatalf("code %d (%v), want %d", got, err, c.want)
			}
			if err != nil && len(permSecret) > 0 {
				for _, k := range []string{DevSecretKey, permSecret, otherKey} {
					if containsStr(err.Error(), k) {
						t.Fatalf("error text leaks a key: %v", err)
					}
				}
			}
		})
	}
	t.Run("perm: room full", func(t *testing.T) {
		mustJoin(t, s, "p4", permJoin("p4"))
		_, err := join(t, s, "p3", permJoin("p3"))
		if got := signaling.CodeOf(err); got != codes.ErrExceedsMaxMember {
			t.Fatalf("code %d (%v), want %d", got, err, codes.ErrExceedsMaxMember)
		}
		// Re-entering as a present member replaces it: not counted twice.
		mustJoin(t, s, "p4", permJoin("p4"))
	})
}

func containsStr(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestPrivilegeBits: the send and receive bits gate publishing and receiving.
func TestPrivilegeBits(t *testing.T) {
	s := startServer(t, Config{Apps: []AppConfig{{SDKAppID: permApp, SecretKey: permSecret, RoomPermissions: true}}})
	perm := signer(t, permApp, permSecret)
	room := signature.NumericRoom(9)
	enterOnly := signature.PrivCreate | signature.PrivEnter
	for _, c := range []struct {
		name      string
		priv      signature.Privilege
		audio     bool
		video     bool
		wantFail  int // error event after entering
		remote    signaling.SetRemoteMedia
		wantRefus int
	}{
		{"no send-audio", signature.PrivAll &^ signature.PrivSendAudio, true, false, codes.ErrServerPrivilegeFlag, signaling.SetRemoteMedia{}, 0},
		{"no send-video", signature.PrivAll &^ signature.PrivSendVideo, false, true, codes.ErrCenterNoPushVideoPerm, signaling.SetRemoteMedia{}, 0},
		{"no recv-audio", enterOnly | signature.PrivRecvVideo, false, false, 0, signaling.SetRemoteMedia{Audio: true}, codes.ErrServerPrivilegeFlag},
		{"no recv-video", enterOnly | signature.PrivRecvAudio, false, false, 0, signaling.SetRemoteMedia{Video: true}, codes.ErrCenterNoRequestVideo},
	} {
		t.Run(c.name, func(t *testing.T) {
			host := mustJoin(t, s, "host", joinOpts{app: permApp, room: 9, sig: sig(t, perm, "host"), pmk: pmk(t, perm, "host", room, signature.PrivAll)})
			u := mustJoin(t, s, "user", joinOpts{app: permApp, room: 9, audio: c.audio, video: c.video,
				sig: sig(t, perm, "user"), pmk: pmk(t, perm, "user", room, c.priv)})
			if c.wantFail != 0 {
				u.next("privilege failure", func(e signaling.Event) bool {
					f, ok := e.(signaling.Failure)
					return ok && f.Err.Code == c.wantFail
				})
			}
			if c.wantRefus != 0 {
				r := c.remote
				r.UserID = "host"
				if got := signaling.CodeOf(u.do(r)); got != c.wantRefus {
					t.Fatalf("SetRemoteMedia: code %d, want %d", got, c.wantRefus)
				}
			}
			_ = u.sess.Leave(t.Context())
			_ = host.sess.Leave(t.Context())
		})
	}
}
