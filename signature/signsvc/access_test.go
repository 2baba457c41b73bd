package signsvc

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roombot/roombot/signature"
)

// TestAccessWithoutToken: with no bearer token the service answers only
// loopback clients (the credentials it issues let anyone evict and
// impersonate a participant), unless told the key is no secret
// (WithOpenAccess, the published dev key). With a token, the token decides.
func TestAccessWithoutToken(t *testing.T) {
	t.Parallel()
	signer, err := signature.NewSigner(app, key)
	if err != nil {
		t.Fatal(err)
	}
	guarded, _ := New(signer)
	open, _ := New(signer, WithOpenAccess())
	withToken, _ := New(signer, WithBearerToken("tok"))
	for _, tc := range []struct {
		name   string
		svc    *Service
		remote string
		auth   string
		status int
	}{
		{"loopback v4", guarded, "127.0.0.1:4000", "", http.StatusOK},
		{"loopback 127/8", guarded, "127.3.2.1:4000", "", http.StatusOK},
		{"loopback v6", guarded, "[::1]:4000", "", http.StatusOK},
		{"remote refused", guarded, "192.0.2.7:4000", "", http.StatusForbidden},
		{"mapped remote refused", guarded, "[::ffff:192.0.2.7]:4000", "", http.StatusForbidden},
		{"open key remote", open, "192.0.2.7:4000", "", http.StatusOK},
		{"token remote", withToken, "192.0.2.7:4000", "Bearer tok", http.StatusOK},
		{"token missing on loopback", withToken, "127.0.0.1:4000", "", http.StatusUnauthorized},
	} {
		r := httptest.NewRequest(http.MethodPost, Path, strings.NewReader(`{"userID":"a","roomID":1}`))
		r.RemoteAddr = tc.remote
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		w := httptest.NewRecorder()
		tc.svc.ServeHTTP(w, r)
		if w.Code != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, w.Code, tc.status, w.Body)
		}
		if w.Code == http.StatusForbidden && !strings.Contains(w.Body.String(), "loopback") {
			t.Errorf("%s: refusal does not say why: %s", tc.name, w.Body)
		}
	}
	for svc, want := range map[*Service]string{guarded: "loopback", open: "open", withToken: "token"} {
		if !strings.Contains(svc.Access(), want) {
			t.Errorf("Access() = %q, want it to mention %q", svc.Access(), want)
		}
	}
}
