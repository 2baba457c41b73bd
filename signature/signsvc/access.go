package signsvc

import (
	"net"
	"net/netip"
)

// Access says in words who may get credentials from s (for the startup
// log; it never contains the token).
func (s *Service) Access() string {
	switch {
	case len(s.token) > 0:
		return "bearer token required"
	case s.open:
		return "open to every client without a token (the key is published, not a secret)"
	}
	return "loopback clients only: no token set (set one before exposing the service)"
}

// loopback reports whether a request's RemoteAddr is 127.0.0.0/8 or ::1.
func loopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}
