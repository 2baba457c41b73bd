package reports

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain doubles as the child process of TestKilledRunLeavesValidLines.
func TestMain(m *testing.M) {
	if dir := os.Getenv("ROOMBOT_REPORTS_KILL_CHILD"); dir != "" {
		killChild(dir)
		return
	}
	goleak.VerifyTestMain(m)
}

// killChild writes lines, says "flushed" once a periodic flush has put them
// all on disk, then waits to be killed.
func killChild(dir string) {
	const n = 100
	said := make(chan struct{})
	var w *Dir
	hook := func() {
		if w != nil && w.Written() >= 2*n {
			select {
			case <-said:
			default:
				close(said)
			}
		}
	}
	w, err := Create(dir, WithFlushInterval(20*time.Millisecond), withFlushHook(hook))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		w.WriteEvent(Event{Time: t0.Add(time.Duration(i) * time.Millisecond), User: "u1", Kind: KindRoom, Event: EvEntered, Code: 1018})
		w.WriteSample(Sample{Time: t0.Add(time.Duration(i) * time.Second), User: "u1", Interval: 1, TxKbps: float64(i)})
	}
	<-said
	fmt.Println("flushed")
	select {} // killed here, without Close
}

// withFlushHook sets a function the writer goroutine calls after each
// periodic flush. Tests only.
func withFlushHook(f func()) Option {
	return func(w *Dir) error { w.onFlush = f; return nil }
}
