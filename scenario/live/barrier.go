package live

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/roombot/roombot/scenario"
)

// Barrier defaults.
const (
	// BarrierMargin is how long after the last shard arrived the timeline
	// begins: every shard must see the last ready file within it.
	BarrierMargin = 2 * time.Second
	// DefaultBarrierTimeout is how long a shard waits for the others.
	DefaultBarrierTimeout = 10 * time.Minute
	barrierPoll           = 20 * time.Millisecond
)

// ErrBarrier is wrapped by every barrier error.
var ErrBarrier = errors.New("barrier")

// barrier is a start line drawn through a directory every shard sees (a
// shared volume): each shard writes shard-I-of-N.ready holding the time it
// arrived, by the reference clock, then waits until all N files are
// there. The start is the latest arrival plus margin, so every shard
// computes the same instant from the same files, however late each one
// noticed the last file (within the margin).
type barrier struct {
	dir     string
	shard   scenario.Shard
	margin  time.Duration
	timeout time.Duration
	now     func() time.Time // reference clock
}

func (b barrier) file(i int) string {
	return filepath.Join(b.dir, fmt.Sprintf("shard-%d-of-%d.ready", i, b.shard.Count))
}

// wait writes this shard's file and returns the common start instant by
// the reference clock.
func (b barrier) wait(ctx context.Context) (time.Time, error) {
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", ErrBarrier, err)
	}
	mine := b.file(b.shard.Index)
	if old, err := os.ReadFile(mine); err == nil {
		return time.Time{}, fmt.Errorf("%w: %s already exists (written %s by an earlier run): give every run its own barrier directory",
			ErrBarrier, mine, strings.TrimSpace(string(old)))
	}
	tmp := mine + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.now().UTC().Format(time.RFC3339Nano)+"\n"), 0o644); err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", ErrBarrier, err)
	}
	if err := os.Rename(tmp, mine); err != nil { // readers never see a partial file
		return time.Time{}, fmt.Errorf("%w: %w", ErrBarrier, err)
	}
	deadline := time.NewTimer(b.timeout)
	defer deadline.Stop()
	tick := time.NewTicker(barrierPoll)
	defer tick.Stop()
	for {
		last, missing, err := b.read()
		if err != nil {
			return time.Time{}, err
		}
		if len(missing) == 0 {
			return last.Add(b.margin), nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("%w: %w", ErrBarrier, ctx.Err())
		case <-deadline.C:
			return time.Time{}, fmt.Errorf("%w: %d of %d shards ready in %s after %s; missing: %s",
				ErrBarrier, b.shard.Count-len(missing), b.shard.Count, b.dir, b.timeout, strings.Join(missing, ", "))
		case <-tick.C:
		}
	}
}

// read returns the latest arrival and the shards not yet arrived.
func (b barrier) read() (time.Time, []string, error) {
	var last time.Time
	var missing []string
	for i := range b.shard.Count {
		raw, err := os.ReadFile(b.file(i))
		if errors.Is(err, os.ErrNotExist) {
			missing = append(missing, fmt.Sprint(i))
			continue
		}
		if err != nil {
			return last, nil, fmt.Errorf("%w: %w", ErrBarrier, err)
		}
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(raw)))
		if err != nil {
			return last, nil, fmt.Errorf("%w: %s: not a time: %q", ErrBarrier, b.file(i), truncate(string(raw), 60))
		}
		if t.After(last) {
			last = t
		}
	}
	return last, missing, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
