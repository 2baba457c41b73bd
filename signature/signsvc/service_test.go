package signsvc

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signature"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	app = 1400000000
	key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
	now = 1700000000
)

func clock() time.Time { return time.Unix(now, 0) }

// newServer starts the service on a real loopback listener, mounted at Path.
func newServer(t *testing.T, opts ...Option) *httptest.Server {
	t.Helper()
	signer, err := signature.NewSigner(app, key, signature.WithNow(clock))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(signer, opts...)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(Path, svc)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, srv *httptest.Server, body string, hdr map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+Path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func verifier(t *testing.T, at int64) *signature.Verifier {
	t.Helper()
	v, err := signature.NewVerifier(app, signature.WithKey(key), signature.WithVerifyNow(func() time.Time { return time.Unix(at, 0) }))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSignIssuesVerifiableCredentials(t *testing.T) {
	t.Parallel()
	srv := newServer(t, WithExpire(time.Hour), WithPrivileges(signature.PrivEnter|signature.PrivRecvAudio|signature.PrivRecvVideo))
	for _, tc := range []struct {
		name, body, user string
		room             signature.Room
	}{
		{"numeric room", `{"userID":"alice","roomID":1234}`, "alice", signature.Room{ID: 1234}},
		{"max room", `{"userID":"bob-2","roomID":4294967295}`, "bob-2", signature.Room{ID: 4294967295}},
		{"string room", `{"userID":"carol_3","strRoomID":"meeting-7"}`, "carol_3", signature.Room{Str: "meeting-7"}},
		{"generated userID", `{"roomID":1}`, "", signature.Room{ID: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, body := post(t, srv, tc.body, nil)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			var r Response
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatal(err)
			}
			if tc.user != "" && r.UserID != tc.user {
				t.Fatalf("userID %q, want %q", r.UserID, tc.user)
			}
			if err := signature.ValidateUserID(r.UserID); err != nil {
				t.Fatalf("returned userID: %v", err)
			}
			if r.SDKAppID != app || r.RoomID != tc.room.ID || r.StrRoomID != tc.room.Str {
				t.Fatalf("response %+v", r)
			}
			v := verifier(t, now+3600)
			if _, err := v.VerifyUserSig(r.UserID, r.UserSig); err != nil {
				t.Fatalf("userSig: %v", err)
			}
			tk, err := v.VerifyPrivateMapKey(r.UserID, r.PrivateMapKey)
			if err != nil {
				t.Fatalf("privateMapKey: %v", err)
			}
			if err := tk.Check(tc.room, signature.PrivEnter|signature.PrivRecvVideo); err != nil {
				t.Fatal(err)
			}
			if err := tk.Check(tc.room, signature.PrivSendVideo); !errors.Is(err, signature.ErrPrivilegeDenied) {
				t.Fatalf("send-video: %v, want ErrPrivilegeDenied", err)
			}
			if _, err := verifier(t, now+3601).VerifyUserSig(r.UserID, r.UserSig); !errors.Is(err, signature.ErrExpired) {
				t.Fatalf("expiry not the configured hour: %v", err)
			}
		})
	}
}

func TestSignRejectsBadRequests(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, tc := range []struct {
		name, body string
		code       int
	}{
		{"malformed", `{"roomID":`, codes.ErrServerUnpack},
		{"empty body", ``, codes.ErrServerUnpack},
		{"not an object", `[1,2]`, codes.ErrServerUnpack},
		{"trailing data", `{"roomID":1} {}`, codes.ErrServerUnpack},
		{"wrong type", `{"userID":5,"roomID":1}`, codes.ErrServerUnpack},
		{"room 0", `{"roomID":0}`, codes.ErrRoomIDInvalid},
		{"room negative", `{"roomID":-1}`, codes.ErrRoomIDInvalid},
		{"room too big", `{"roomID":4294967296}`, codes.ErrRoomIDInvalid},
		{"room fraction", `{"roomID":12.5}`, codes.ErrRoomIDInvalid},
		{"room missing", `{"userID":"a"}`, codes.ErrRoomIDInvalid},
		{"both rooms", `{"roomID":1,"strRoomID":"x"}`, codes.ErrRoomIDInvalid},
		{"bad string room", `{"strRoomID":"a/b"}`, codes.ErrRoomIDInvalid},
		{"userID too long", `{"userID":"` + strings.Repeat("a", 33) + `","roomID":1}`, codes.ErrUserIDInvalid},
		{"userID bad char", `{"userID":"a b","roomID":1}`, codes.ErrUserIDInvalid},
		{"huge body", `{"userID":"` + strings.Repeat("a", MaxBodyBytes) + `"}`, codes.ErrServerUnpack},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, body := post(t, srv, tc.body, nil)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", status, body)
			}
			var e ErrorResponse
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("error body %q: %v", body, err)
			}
			if e.Code != tc.code || e.Error == "" {
				t.Fatalf("got %+v, want code %d", e, tc.code)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	const token = "s3cret-token"
	srv := newServer(t, WithBearerToken(token))
	for _, tc := range []struct {
		name, auth string
		status     int
	}{
		{"none", "", http.StatusUnauthorized},
		{"wrong", "Bearer nope", http.StatusUnauthorized},
		{"basic", "Basic " + token, http.StatusUnauthorized},
		{"right", "Bearer " + token, http.StatusOK},
		{"lowercase scheme", "bearer " + token, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hdr := map[string]string{}
			if tc.auth != "" {
				hdr["Authorization"] = tc.auth
			}
			status, body := post(t, srv, `{"roomID":7}`, hdr)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			if strings.Contains(string(body), token) {
				t.Fatal("token echoed in the response")
			}
			if status == http.StatusUnauthorized {
				var e ErrorResponse
				if err := json.Unmarshal(body, &e); err != nil || e.Code != CodeTokenError {
					t.Fatalf("body %s", body)
				}
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	resp, err := srv.Client().Get(srv.URL + Path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e ErrorResponse
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusMethodNotAllowed || e.Code != codes.ErrServerInvalidCommand || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("status %d, %+v", resp.StatusCode, e)
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	signer, err := signature.NewSigner(app, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(signer, WithExpire(time.Millisecond)); err == nil {
		t.Fatal("sub-second expire accepted")
	}
	if _, err := New(signer, WithExpire(signature.MaxExpire+time.Second)); err == nil {
		t.Fatal("expire past the official libraries' range accepted")
	}
	if _, err := New(nil); err == nil {
		t.Fatal("nil signer accepted")
	}
	if _, err := New(signer, WithUserIDs(nil)); err == nil {
		t.Fatal("nil generator accepted")
	}
}

// TestServe runs the service through Serve on a 127.0.0.1:0 listener and
// stops it by cancelling the context.
func TestServe(t *testing.T) {
	t.Parallel()
	signer, err := signature.NewSigner(app, key)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(signer)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, svc) }()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post("http://"+ln.Addr().String()+Path, "application/json", strings.NewReader(`{"userID":"u1","roomID":99}`))
	if err != nil {
		cancel()
		<-done
		t.Fatal(err)
	}
	var r Response
	err = json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	client.CloseIdleConnections()
	cancel()
	select {
	case serr := <-done:
		if serr != nil {
			t.Fatalf("Serve: %v", serr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if err != nil || r.UserID != "u1" || r.RoomID != 99 || r.UserSig == "" {
		t.Fatalf("response %+v, %v", r, err)
	}
}
