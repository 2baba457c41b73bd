package bot

import (
	"os"
	"runtime/debug"
	"strconv"
)

// DefaultGCPercent is the garbage collector's target (Go's GOGC) that
// roombot run and join set when the environment has no GOGC: the heap may
// grow 50 % over what is live between collections instead of Go's 100 %.
// A bot's heap is mostly long-lived buffers, so the collector's headroom
// was a third of a settled bot's RSS; at 50 %, 100 bots in rooms of two
// settled at 1.41 MB per bot instead of 1.85. The price is CPU: the
// collector's share of the bots' CPU profile went from about 1 % to 3 %.
// GOGC in the environment wins (e.g. GOGC=100 for Go's default,
// GOGC=off); GOMEMLIMIT applies as usual.
const DefaultGCPercent = 50

// ApplyGCPercent sets DefaultGCPercent unless GOGC is set, and returns the
// target in force (-1: collection off) and whether it came from GOGC.
func ApplyGCPercent() (percent int, fromEnv bool) {
	if v, ok := os.LookupEnv("GOGC"); ok {
		if v == "off" {
			return -1, true
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			n = 100 // what the runtime does with a value it cannot read
		}
		return n, true
	}
	debug.SetGCPercent(DefaultGCPercent)
	return DefaultGCPercent, false
}
