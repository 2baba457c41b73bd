package origin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Any, listed as an allowed origin, lets every origin in (an explicit
// opt-in, for test benches; never the default).
const Any = "*"

// ErrBadOrigin wraps every malformed --allow-origin value.
var ErrBadOrigin = errors.New("bad origin")

// Policy decides which browser origins may use an endpoint. The zero
// value is same-origin only. Safe for concurrent use (read only).
type Policy struct {
	allowed map[string]bool
	any     bool
}

// New builds a policy allowing the same origin and each of origins
// (scheme://host[:port], as browsers send it, or Any).
func New(origins ...string) (*Policy, error) {
	p := &Policy{allowed: map[string]bool{}}
	var errs []error
	for _, o := range origins {
		if o == Any {
			p.any = true
			continue
		}
		n, err := normalize(o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p.allowed[n] = true
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// normalize checks an origin as an operator writes it and returns it as a
// browser sends it: lower-case scheme and host, no default port, no path.
func normalize(o string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(o))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%w %q: want scheme://host[:port], e.g. https://app.example.com:8443, or %s", ErrBadOrigin, o, Any)
	}
	host := strings.ToLower(u.Host)
	if p := u.Port(); (u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443") {
		host = strings.ToLower(u.Hostname())
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + host, nil
}

// Allows reports whether r may be served: it has no Origin header, or its
// origin is r's own host (same-origin), or it is listed.
func (p *Policy) Allows(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	if p != nil && p.any {
		return true
	}
	n, err := normalize(o)
	if err != nil {
		return false // "null" (file://, sandboxed frames) and garbage
	}
	if u, _ := url.Parse(n); u != nil && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return p != nil && p.allowed[n]
}

// Cross reports whether r carries an Origin other than its own host, i.e.
// needs CORS headers to be readable by the page.
func Cross(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return false
	}
	u, err := url.Parse(o)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
}
