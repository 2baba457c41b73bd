package origin

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// PreflightMaxAge is how long a browser may cache a preflight answer.
const PreflightMaxAge = 10 * time.Minute

// CORS wraps h (a POST endpoint such as /api/sign) with the policy: a
// request from an origin the policy refuses gets 403 and a JSON error
// {"error", "code": -100001}; a preflight (OPTIONS) from an allowed
// origin gets 204 with the CORS headers; an allowed cross-origin request
// gets Access-Control-Allow-Origin so the page can read the answer.
// Credentials (cookies) are never allowed: the endpoints use bearer tokens.
func (p *Policy) CORS(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Origin")
		if !p.Allows(r) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_ = json.NewEncoder(w).Encode(map[string]any{
				"error": "origin " + strconv.Quote(r.Header.Get("Origin")) + " is not allowed (roombot serve --allow-origin)", "code": CodeOriginDenied})
			return
		}
		if Cross(r) {
			w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			w.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			w.Header().Set("Access-Control-Max-Age", strconv.Itoa(int(PreflightMaxAge/time.Second)))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// CodeOriginDenied is the TRTC server info code of a refused origin (the
// code of a missing or wrong token: the caller is not allowed).
const CodeOriginDenied = -100001
