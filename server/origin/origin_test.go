package origin

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestPolicy(t *testing.T) {
	t.Parallel()
	p, err := New("https://App.Example.com:443", "http://127.0.0.1:5173")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		origin, host string
		want         bool
	}{
		{"", "svc:7880", true},                        // not a browser
		{"http://svc:7880", "svc:7880", true},         // same origin
		{"https://app.example.com", "svc:7880", true}, // listed (default port dropped)
		{"http://127.0.0.1:5173", "svc:7880", true},   // listed
		{"http://127.0.0.1:5174", "svc:7880", false},  // another port
		{"http://app.example.com", "svc:7880", false}, // another scheme
		{"https://evil.example", "svc:7880", false},   // not listed
		{"null", "svc:7880", false},                   // file:// page
		{"https://app.example.com.evil", "svc:7880", false},
	} {
		r := httptest.NewRequest(http.MethodGet, "http://"+tc.host+"/ws", nil)
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		if got := p.Allows(r); got != tc.want {
			t.Errorf("origin %q on %s: allowed %t, want %t", tc.origin, tc.host, got, tc.want)
		}
	}
	var zero *Policy
	r := httptest.NewRequest(http.MethodGet, "http://svc/ws", nil)
	r.Header.Set("Origin", "https://evil.example")
	if zero.Allows(r) {
		t.Error("the nil policy allows a foreign origin")
	}
	if p, _ := New(Any); !p.Allows(r) {
		t.Error("* does not allow every origin")
	}
}

func TestNewRejectsMalformed(t *testing.T) {
	t.Parallel()
	for _, o := range []string{"app.example.com", "ftp://x", "https://x/path", "https://x?q=1", "https://u:p@x", ""} {
		if _, err := New(o); !errors.Is(err, ErrBadOrigin) {
			t.Errorf("New(%q) = %v, want ErrBadOrigin", o, err)
		}
	}
}
