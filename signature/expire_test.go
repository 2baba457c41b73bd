package signature

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestExpireCapped: an expire beyond the official libraries' range (a C++
// int of seconds, 1..2147483647) is refused with a message naming the
// range, for userSigs and privateMapKeys; the maximum itself is accepted.
func TestExpireCapped(t *testing.T) {
	t.Parallel()
	s, err := NewSigner(1400000000, "k", WithNow(func() time.Time { return time.Unix(1700000000, 0) }))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{MaxExpire + time.Second, time.Duration(1<<63 - 1)} {
		if _, err := s.UserSig("a", d); !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "2147483647") {
			t.Errorf("UserSig expire %v: %v", d, err)
		}
		if _, err := s.PrivateMapKey("a", d, Room{ID: 1}, PrivAll); !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "2147483647") {
			t.Errorf("PrivateMapKey expire %v: %v", d, err)
		}
	}
	if _, err := s.UserSig("a", MaxExpire); err != nil {
		t.Errorf("UserSig at MaxExpire: %v", err)
	}
	if _, err := s.PrivateMapKey("a", MaxExpire, Room{ID: 1}, PrivAll); err != nil {
		t.Errorf("PrivateMapKey at MaxExpire: %v", err)
	}
}
