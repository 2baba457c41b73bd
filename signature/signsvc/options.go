package signsvc

import (
	"fmt"
	"time"

	"github.com/roombot/roombot/signature"
)

// Defaults, reused as `roombot sign serve` flag defaults.
const (
	// DefaultExpire is how long issued userSigs and privateMapKeys last.
	DefaultExpire = 24 * time.Hour
	// DefaultPrivileges is what an issued privateMapKey grants.
	DefaultPrivileges = signature.PrivAll
	// Path is where the service answers.
	Path = "/api/sign"
	// DefaultListen is where `roombot sign serve` listens unless told.
	DefaultListen = "127.0.0.1:7080"
	// MaxBodyBytes bounds a request body; a real one is under 100 bytes.
	MaxBodyBytes = 4 << 10
)

// Option configures a Service.
type Option func(*Service) error

// WithExpire sets the validity of issued credentials (whole seconds,
// 1s..signature.MaxExpire).
func WithExpire(d time.Duration) Option {
	return func(s *Service) error {
		if d < time.Second || d > signature.MaxExpire {
			return fmt.Errorf("signsvc: expire %v, want 1s..%v (the official libraries' range)", d, signature.MaxExpire)
		}
		s.expire = d
		return nil
	}
}

// WithPrivileges sets the privileges of issued privateMapKeys.
func WithPrivileges(p signature.Privilege) Option {
	return func(s *Service) error {
		s.privileges = p
		return nil
	}
}

// WithBearerToken requires "Authorization: Bearer <token>" on every request
// (no check when token is empty). The token is compared in constant time and
// never logged or echoed.
func WithBearerToken(token string) Option {
	return func(s *Service) error {
		s.token = []byte(token)
		return nil
	}
}

// WithOpenAccess serves clients from any address without a token. Use it
// only when the key is no secret (the reference service's published dev
// key): anyone could sign locally anyway. Without it and without a token,
// the service answers loopback clients only.
func WithOpenAccess() Option {
	return func(s *Service) error {
		s.open = true
		return nil
	}
}

// WithUserIDs sets the generator of userIDs for requests without one
// (default: "user_" and 12 random hex digits). Generated IDs must pass
// signature.ValidateUserID.
func WithUserIDs(gen func() (string, error)) Option {
	return func(s *Service) error {
		if gen == nil {
			return fmt.Errorf("signsvc: nil userID generator")
		}
		s.newUserID = gen
		return nil
	}
}
