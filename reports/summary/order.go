package summary

import (
	"strconv"
	"time"

	"github.com/roombot/roombot/reports"
)

// Span returns the time of the first and the last line of d (zero times
// for an empty dataset). Lines are sorted by Load, but a Dataset built by
// hand need not be, so it scans.
func Span(d *reports.Dataset) (first, last time.Time) {
	see := func(t time.Time) {
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	for _, e := range d.Events {
		see(e.Time)
	}
	for _, s := range d.Samples {
		see(s.Time)
	}
	return first, last
}

// compareNatural orders numeric names by number ("2" before "10", as room
// IDs and bot numbers read) and everything else as text, numbers first.
func compareNatural(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		return cmpInt(x, y)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	// "bot-9" before "bot-10": compare a trailing number when prefixes match
	pa, na := splitNum(a)
	pb, nb := splitNum(b)
	if pa == pb && na >= 0 && nb >= 0 && na != nb {
		return cmpInt(na, nb)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// splitNum splits "bot-12" into "bot-" and 12; n is -1 without a trailing number.
func splitNum(s string) (prefix string, n int64) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == len(s) || len(s)-i > 18 {
		return s, -1
	}
	v, _ := strconv.ParseInt(s[i:], 10, 64)
	return s[:i], v
}

// CompareBots orders bots as summary.json lists its users: by shard, then
// user in natural order.
func CompareBots(a, b reports.BotKey) int {
	if a.Shard != b.Shard {
		if a.Shard < b.Shard {
			return -1
		}
		return 1
	}
	return compareNatural(a.User, b.User)
}
