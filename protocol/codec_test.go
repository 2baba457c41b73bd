package protocol

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		typ  Type
		id   uint64
		body any
	}{
		{"enter", TypeEnter, 1, &Enter{SDKAppID: 1400000001, UserID: "u1", UserSig: "sig", RoomID: 42, Role: RoleAnchor, RecvMode: 1, PublishAudio: true}},
		{"ping", TypePing, 7, nil},
		{"members", TypeMembers, 0, &Members{Code: 1020, List: []Member{{UserID: "a", Publishing: true}}}},
		{"im", TypeIM, 3, &IM{Kind: IMCustom, Data: "d", Desc: "x", Ext: "e"}},
		{"kicked", TypeKicked, 0, &Kicked{Reason: KickDuplicateLogin}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b, err := Encode(c.typ, c.id, c.body)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Decode(b)
			if err != nil {
				t.Fatalf("decode %s: %v", b, err)
			}
			if m.Type != c.typ || m.ID != c.id {
				t.Fatalf("got %s/%d, want %s/%d", m.Type, m.ID, c.typ, c.id)
			}
			if diff := cmp.Diff(c.body, m.Body); c.body != nil && diff != "" {
				t.Fatalf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		want     error
		wantText string
	}{
		{"not json", `{"type":`, ErrMalformed, "invalid JSON"},
		{"no type", `{"id":1}`, ErrMalformed, `missing "type"`},
		{"unknown", `{"type":"fly"}`, ErrUnknownType, `"fly"`},
		{"no data", `{"type":"enter","id":1}`, ErrMalformed, `enter: missing "data"`},
		{"bad field", `{"type":"enter","data":{"roomID":"x"}}`, ErrMalformed, `field "roomID"`},
		{"negative room", `{"type":"enter","data":{"roomID":-1}}`, ErrMalformed, `roomID`},
		{"array", `[1,2]`, ErrMalformed, "envelope"},
		{"too large", `{"type":"ping","x":"` + strings.Repeat("a", MaxFrameBytes) + `"}`, ErrTooLarge, "limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode([]byte(c.in))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.wantText) {
				t.Fatalf("err = %q, want it to mention %q", err, c.wantText)
			}
		})
	}
}

func TestDecodeKeepsIDOnBadBody(t *testing.T) {
	t.Parallel()
	m, err := Decode([]byte(`{"type":"media","id":9,"data":{"audioMuted":"yes"}}`))
	if err == nil || m.ID != 9 || m.Type != TypeMedia {
		t.Fatalf("got %+v, %v; want id 9 type media and an error", m, err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"enter","id":1,"data":{"sdkAppID":1400000001,"userID":"u","userSig":"s","roomID":1}}`,
		`{"type":"candidate","data":{"candidate":"candidate:1 1 udp 1 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0}}`,
		`{"type":"ping"}`, `{"type":"im","id":2,"data":{"kind":"text","text":"hi"}}`, `null`, `{}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			return
		}
		if !Known(m.Type) {
			t.Fatalf("decoded unknown type %q", m.Type)
		}
		if bodies[m.Type] != nil && m.Body == nil {
			t.Fatalf("type %q decoded without a body", m.Type)
		}
		if _, err := Encode(m.Type, m.ID, m.Body); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
	})
}
