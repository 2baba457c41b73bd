package server

import (
	"testing"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
)

// An injected enter fault is meant for an enter that would succeed: enters
// refused on their own merits (forged userSig, full room) get their own code
// and leave the fault in place.
func TestEnterFaultAfterChecks(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{Apps: []AppConfig{{SDKAppID: DefaultSDKAppID, SecretKey: DevSecretKey, MaxMembers: 1}}})
	tok := s.AdminToken()
	f := EnterFault{UserID: "victim", Count: 1, Code: codes.ErrServerServiceSuspended}
	if code := admin(t, s, "POST", "/admin/faults/enter", tok, f, nil); code != 200 {
		t.Fatalf("fault: %d", code)
	}
	if _, err := join(t, s, "victim", joinOpts{room: 20, sig: "garbage"}); signaling.CodeOf(err) != codes.ErrServerUserSigCheck {
		t.Fatalf("forged userSig: %v, want %d", err, codes.ErrServerUserSigCheck)
	}
	mustJoin(t, s, "occupant", joinOpts{room: 21})
	if _, err := join(t, s, "victim", joinOpts{room: 21}); signaling.CodeOf(err) != codes.ErrExceedsMaxMember {
		t.Fatalf("full room: %v, want %d", err, codes.ErrExceedsMaxMember)
	}
	if _, err := join(t, s, "victim", joinOpts{room: 20}); signaling.CodeOf(err) != codes.ErrServerServiceSuspended {
		t.Fatalf("valid enter: %v, want the injected %d", err, codes.ErrServerServiceSuspended)
	}
	var fs Faults
	admin(t, s, "GET", "/admin/faults", tok, nil, &fs)
	if len(fs.Enters) != 0 {
		t.Fatalf("fault not consumed: %+v", fs)
	}
	mustJoin(t, s, "victim", joinOpts{room: 20})
	if rooms := s.Rooms(); len(rooms) != 2 {
		t.Fatalf("rooms %+v: the failed enter must not leave a room behind", rooms)
	}
}
