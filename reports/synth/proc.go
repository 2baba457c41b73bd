package synth

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPUTime is this process's user+system CPU time so far: on a loaded
// machine a fairer cost than wall time.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ResetPeakRSS resets the kernel's peak resident set size of this process
// (VmHWM) to its current RSS, so that PeakRSS measures what follows. It
// reports whether the kernel allowed it (Linux ≥ 4.0).
func ResetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// PeakRSS is this process's peak resident set size in bytes (VmHWM of
// /proc/self/status), 0 where unknown.
func PeakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}
