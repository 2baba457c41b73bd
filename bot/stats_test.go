package bot

import (
	"testing"
	"time"
)

func TestRTTPlausible(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		want *float64
	}{
		{-65536 * time.Second, nil},
		{2 * time.Hour, nil},
		{1500 * time.Microsecond, ptr(1.5)},
		{0, ptr(0)},
	} {
		got := rtt(tc.d)
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("rtt(%v) = %v, want %v", tc.d, got, tc.want)
		}
	}
}
