package live

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/roombot/roombot/reports"
)

// Bounds of a clock measurement.
const (
	clockCoarseEvery = 20 * time.Millisecond
	clockMaxProbes   = 400
	clockTimeout     = 5 * time.Second
)

// clockProbe is one request: sent and answered at t0 and t1 by the local
// clock, and the server's Date (whole seconds, truncated).
type clockProbe struct {
	t0, t1 time.Time
	date   time.Time
}

// measureClock estimates this machine's clock against the HTTP server at
// base from its Date header, which only has whole seconds: it finds the
// instant the header's second changes. The last probe still showing
// second S and the first showing S+1 bracket the server's S+1 by the
// local clock, so the offset is known to half that bracket: probes are
// spaced 20 ms apart until a change is seen, then sent back to back
// around the next change (a bracket of two round trips). It takes one to
// two seconds and at most clockMaxProbes requests.
func measureClock(ctx context.Context, base string) reports.ClockOffset {
	out := reports.ClockOffset{Ref: base}
	off, bound, err := clockOffset(ctx, &http.Client{Timeout: 2 * time.Second}, base)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.OffsetMs, out.ErrorMs = ms(off), ms(bound)
	return out
}

func clockOffset(ctx context.Context, c *http.Client, base string) (offset, bound time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, clockTimeout)
	defer cancel()
	probes := 0
	probe := func() (clockProbe, error) {
		probes++
		if probes > clockMaxProbes {
			return clockProbe{}, fmt.Errorf("clock: no change of the Date header's second in %d requests", clockMaxProbes)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base, nil)
		if err != nil {
			return clockProbe{}, err
		}
		p := clockProbe{t0: time.Now()}
		resp, err := c.Do(req)
		if err != nil {
			return p, fmt.Errorf("clock: %w", err)
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		p.t1 = time.Now()
		if p.date, err = http.ParseTime(resp.Header.Get("Date")); err != nil {
			return p, fmt.Errorf("clock: %s sends no usable Date header", base)
		}
		return p, nil
	}
	// change probes until the Date's second moves on by exactly one, spaced
	// by every, and returns the last probe before and the first after.
	change := func(every time.Duration) (clockProbe, clockProbe, error) {
		prev, err := probe()
		if err != nil {
			return prev, prev, err
		}
		for {
			if every > 0 {
				select {
				case <-ctx.Done():
					return prev, prev, fmt.Errorf("clock: %w", ctx.Err())
				case <-time.After(every):
				}
			}
			cur, err := probe()
			if err != nil {
				return prev, cur, err
			}
			switch d := cur.date.Sub(prev.date); {
			case d == time.Second:
				return prev, cur, nil
			case d != 0:
				prev = cur // a gap of more than a second, or backwards: start over
				continue
			}
			prev = cur
		}
	}
	a, b, err := change(clockCoarseEvery)
	if err != nil {
		return 0, 0, err
	}
	// The server's b.date is within [a.t0, b.t1] locally; the next second
	// is a second later. Start back-to-back probes just before it.
	early := a.t0.Add(time.Second - clockCoarseEvery)
	select {
	case <-ctx.Done():
		return 0, 0, fmt.Errorf("clock: %w", ctx.Err())
	case <-time.After(time.Until(early)):
	}
	if a2, b2, err := change(0); err == nil {
		a, b = a2, b2 // else keep the coarse bracket
	}
	lo, hi := a.t0, b.t1
	mid := lo.Add(hi.Sub(lo) / 2)
	return mid.Sub(b.date), hi.Sub(lo) / 2, nil
}

// clockURL is the HTTP(S) origin of a signaling URL.
func clockURL(signal string) (string, error) {
	u, err := url.Parse(signal)
	if err != nil {
		return "", err
	}
	switch u.Scheme {
	case "ws", "http":
		u.Scheme = "http"
	case "wss", "https":
		u.Scheme = "https"
	default:
		return "", fmt.Errorf("clock: cannot reach %s over HTTP", redact(signal))
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}).String(), nil
}
