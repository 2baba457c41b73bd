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
	clockMaxProbes   = 1000
	clockTimeout     = 6 * time.Second
	clockFine        = 4                    // fine passes at most (each about a second; all within clockTimeout)
	clockGood        = 2 * time.Millisecond // a bracket this narrow ends them
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
// around the next changes (a bracket of two round trips; the narrowest of
// up to four). It takes two to six seconds and at most clockMaxProbes
// requests.
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
	// The server's b.date is within [a.t0, b.t1] locally, the next second
	// a second later: probe back to back from just before it. A slow
	// answer (a busy machine) widens the bracket, so keep the narrowest of
	// a few seconds' changes, as NTP keeps its least-delayed sample.
	lo, hi, date := a.t0, b.t1, b.date
	for range clockFine {
		if hi.Sub(lo) <= clockGood {
			break
		}
		select {
		case <-ctx.Done(): // out of time: keep the narrowest bracket measured
		case <-time.After(time.Until(lo.Add(time.Second - clockCoarseEvery))):
		}
		if ctx.Err() != nil {
			break
		}
		a2, b2, err := change(0)
		if err != nil {
			break // keep what was measured
		}
		if b2.t1.Sub(a2.t0) < hi.Sub(lo) {
			lo, hi, date = a2.t0, b2.t1, b2.date
		} else {
			lo, hi, date = lo.Add(time.Second), hi.Add(time.Second), date.Add(time.Second) // for the next wait
		}
	}
	mid := lo.Add(hi.Sub(lo) / 2)
	return mid.Sub(date), hi.Sub(lo) / 2, nil
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
