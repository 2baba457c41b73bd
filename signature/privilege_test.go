package signature

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParsePrivileges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Privilege
	}{
		{"255", PrivAll},
		{"0xff", PrivAll},
		{"0XAB", PrivCreate | PrivEnter | PrivRecvAudio | PrivRecvVideo | PrivRecvSub},
		{"0b101010", PrivEnter | PrivRecvAudio | PrivRecvVideo},
		{"42", PrivEnter | PrivRecvAudio | PrivRecvVideo},
		{"0", 0},
		{"create,enter,send-audio", PrivCreate | PrivEnter | PrivSendAudio},
		{" Enter , RECV-video ", PrivEnter | PrivRecvVideo},
		{"recv-audio,recv-audio", PrivRecvAudio},
		{"all", PrivAll},
		{"none", 0},
		{"send-sub,recv-sub,send-video", PrivSendSub | PrivRecvSub | PrivSendVideo},
		{"4294967295", Privilege(0xffffffff)},
	} {
		got, err := ParsePrivileges(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParsePrivileges(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", " ", "fly", "enter,,recv-audio", "4294967296", "-1", "0xfg", "enter,255"} {
		if _, err := ParsePrivileges(bad); err == nil {
			t.Errorf("ParsePrivileges(%q) accepted", bad)
		}
	}
}

func TestPrivilegeString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    Privilege
		want string
	}{
		{0, "none"},
		{PrivAll, "all"},
		{42, "enter,recv-audio,recv-video"},
		{PrivCreate, "create"},
		{PrivEnter | 0x100, "enter,0x100"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%d.String() = %q, want %q", uint32(tc.p), got, tc.want)
		}
	}
	for p := Privilege(0); p <= PrivAll; p++ {
		back, err := ParsePrivileges(p.String())
		if err != nil || back != p {
			t.Fatalf("round trip of %d via %q: %d, %v", p, p.String(), back, err)
		}
	}
	var p Privilege
	if err := p.UnmarshalText([]byte("enter,send-video")); err != nil || p != PrivEnter|PrivSendVideo {
		t.Fatalf("UnmarshalText: %d %v", p, err)
	}
}

func TestRoomAndUserIDValidation(t *testing.T) {
	t.Parallel()
	good := []Room{{ID: 1}, {ID: 4294967295}, {Str: "a"}, {Str: strings.Repeat("z", 64)}, {Str: "Room 1!#$%&()+-:;<=.>?@[]^_{}|~,"}}
	for _, r := range good {
		if err := r.Validate(); err != nil {
			t.Errorf("%v: %v", r, err)
		}
	}
	bad := []Room{{}, {ID: 1, Str: "a"}, {Str: strings.Repeat("z", 65)}, {Str: "a/b"}, {Str: "é"}}
	for _, r := range bad {
		if err := r.Validate(); err == nil {
			t.Errorf("%v accepted", r)
		}
	}
	for _, id := range []string{"a", "A-z_0", strings.Repeat("x", 32)} {
		if err := ValidateUserID(id); err != nil {
			t.Errorf("%q: %v", id, err)
		}
	}
	for _, id := range []string{"", "a b", "a@b", strings.Repeat("x", 33), "ü"} {
		if err := ValidateUserID(id); err == nil {
			t.Errorf("%q accepted", id)
		}
	}
}

func TestTicketLayoutErrors(t *testing.T) {
	t.Parallel()
	h := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	d3 := "0000077869616f6a756e53724e00000027105e803bb8000000ff00000000"
	d4 := "0100077869616f6a756e53724e00000000005e803bb8000000ff00000000000a31303030303030303430"
	for _, tc := range []struct {
		name  string
		in    []byte
		field string
	}{
		{"empty", nil, "cVer"},
		{"version 2", h("02" + d3[2:]), "cVer"},
		{"no length", h("00"), "wAccountLen"},
		{"account truncated", h(d3[:20]), "account"},
		{"numeric trailer", h(d3 + "00"), "trailer"},
		{"numeric room 0", h("0000077869616f6a756e53724e00000000005e803bb8000000ff00000000"), "dwAuthID"},
		{"string room with id", h("0100077869616f6a756e53724e00000027105e803bb8000000ff00000000000a31303030303030303430"), "dwAuthID"},
		{"string room no length", h(d4[:60]), "wRoomStrLen"},
		{"string room short", h(d4[:len(d4)-2]), "roomStr"},
		{"string room long", h(d4 + "30"), "roomStr"},
		{"string room empty", h(d4[:60] + "0000"), "roomStr"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseTicket(tc.in)
			var de *DecodeError
			if !errors.As(err, &de) || de.Stage != "ticket" || de.Field != tc.field {
				t.Fatalf("got %v, want ticket field %s", err, tc.field)
			}
		})
	}
}

func TestTicketCheck(t *testing.T) {
	t.Parallel()
	tk := &Ticket{Account: "a", SDKAppID: 1, Room: Room{ID: 7}, Expires: time.Unix(100, 0), Privileges: PrivEnter | PrivRecvVideo}
	if err := tk.Check(Room{ID: 7}, PrivEnter); err != nil {
		t.Fatal(err)
	}
	if err := tk.Check(Room{ID: 8}, PrivEnter); !errors.Is(err, ErrRoomMismatch) {
		t.Fatalf("other room: %v", err)
	}
	if err := tk.Check(Room{Str: "7"}, PrivEnter); !errors.Is(err, ErrRoomMismatch) {
		t.Fatalf("string room 7 vs numeric 7: %v", err)
	}
	if err := tk.Check(Room{ID: 7}, PrivEnter|PrivSendAudio); !errors.Is(err, ErrPrivilegeDenied) {
		t.Fatalf("send-audio: %v", err)
	}
	if tk.Expired(time.Unix(100, 0)) || !tk.Expired(time.Unix(101, 0)) {
		t.Fatal("ticket expiry is not strict")
	}
}

// TestPrivateMapKeyTicketChecks: the ticket must name the signature's user
// and app, and its own expiry counts.
func TestPrivateMapKeyTicketChecks(t *testing.T) {
	t.Parallel()
	s := mustSigner(t, 1400000000, K, WithNow(at(dTime)))
	// A userbuf ticket for someone else, signed for xiaojun: a forged mix.
	other := Ticket{Account: "mallory", SDKAppID: 1400000000, Room: Room{ID: 1}, Expires: time.Unix(dEnd, 0), Privileges: PrivAll}
	buf, _ := other.MarshalBinary()
	mixed, err := s.UserSigWithBuf("xiaojun", dExpire*time.Second, buf)
	if err != nil {
		t.Fatal(err)
	}
	v := mustVerifier(t, 1400000000, WithKey(K), WithVerifyNow(at(dTime)))
	if tk, err := v.VerifyPrivateMapKey("xiaojun", mixed); !errors.Is(err, ErrTicketMismatch) || tk == nil {
		t.Fatalf("account mismatch: %v", err)
	}
	otherApp := Ticket{Account: "xiaojun", SDKAppID: 1, Room: Room{ID: 1}, Expires: time.Unix(dEnd, 0), Privileges: PrivAll}
	buf, _ = otherApp.MarshalBinary()
	mixed, _ = s.UserSigWithBuf("xiaojun", dExpire*time.Second, buf)
	if _, err := v.VerifyPrivateMapKey("xiaojun", mixed); !errors.Is(err, ErrTicketMismatch) {
		t.Fatalf("app mismatch: %v", err)
	}
	short := Ticket{Account: "xiaojun", SDKAppID: 1400000000, Room: Room{ID: 1}, Expires: time.Unix(dTime+10, 0), Privileges: PrivAll}
	buf, _ = short.MarshalBinary()
	key, _ := s.UserSigWithBuf("xiaojun", dExpire*time.Second, buf)
	if _, err := mustVerifier(t, 1400000000, WithKey(K), WithVerifyNow(at(dTime+11))).VerifyPrivateMapKey("xiaojun", key); !errors.Is(err, ErrTicketExpired) {
		t.Fatalf("ticket expiry: %v", err)
	}
	plain, _ := s.UserSig("xiaojun", time.Hour)
	if _, err := v.VerifyPrivateMapKey("xiaojun", plain); !errors.Is(err, ErrUserBufTypeMismatch) {
		t.Fatalf("userSig as privateMapKey: %v", err)
	}
	notTicket, _ := s.UserSigWithBuf("xiaojun", time.Hour, []byte("abc"))
	if _, err := v.VerifyPrivateMapKey("xiaojun", notTicket); !errors.Is(err, ErrMalformed) {
		t.Fatalf("non-ticket userbuf: %v", err)
	}
}
