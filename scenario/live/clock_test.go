package live

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestMeasureClock measures a server whose clock is set off by a known
// amount (its Date header written from that clock): the measured offset
// must be the injected one within the bound it states, and the bound
// must be tight enough for the 50 ms start alignment.
func TestMeasureClock(t *testing.T) {
	t.Parallel()
	for _, skew := range []time.Duration{237 * time.Millisecond, -1630 * time.Millisecond} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat))
		}))
		got := measureClock(context.Background(), srv.URL+"/")
		srv.Close()
		if got.Error != "" {
			t.Fatalf("skew %v: %s", skew, got.Error)
		}
		want := -ms(skew) // local minus reference
		t.Logf("skew %v: measured %.2f ± %.2f ms", skew, got.OffsetMs, got.ErrorMs)
		if math.Abs(got.OffsetMs-want) > got.ErrorMs+1 || got.ErrorMs > 10 {
			t.Errorf("skew %v: measured %.2f ± %.2f ms, want %.1f ms within the bound (and a bound <= 10 ms)", skew, got.OffsetMs, got.ErrorMs, want)
		}
	}
}

func TestMeasureClockNoDate(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil // net/http then sends none
	}))
	defer srv.Close()
	if got := measureClock(context.Background(), srv.URL+"/"); got.Error == "" {
		t.Errorf("no Date header, yet an offset: %+v", got)
	}
}
