package main

import (
	"strings"
	"testing"
)

// TestExpireOutOfRange: an --expire past the official libraries' range
// (1..2147483647 s) is a usage error naming the range, not a signature
// valid forever.
func TestExpireOutOfRange(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"sign", "usersig", "--sdkappid", "1400000000", "--key", "k", "--userid", "a", "--expire", "9223372036854775807"},
		{"sign", "usersig", "--sdkappid", "1400000000", "--key", "k", "--userid", "a", "--expire", "2147483648"},
		{"sign", "privatemapkey", "--sdkappid", "1400000000", "--key", "k", "--userid", "a", "--room", "1", "--privileges", "all", "--expire", "9223372036854775000"},
		{"sign", "usersig", "--sdkappid", "1400000000", "--key", "k", "--userid", "a", "--expire", "0"},
		{"sign", "serve", "--sdkappid", "1400000000", "--key", "k", "--listen", "127.0.0.1:0", "--expire", "9223372036854775807"},
	} {
		r := signRun(t, nil, "", args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "2147483647") || r.stdout != "" {
			t.Errorf("%v: %+v", args, r)
		}
	}
	if r := signRun(t, nil, "", "sign", "usersig", "--sdkappid", "1400000000", "--key", "k", "--userid", "a", "--expire", "2147483647"); r.code != ExitOK {
		t.Errorf("expire at the maximum: %+v", r)
	}
}
