package live

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roombot/roombot/scenario"
)

// TestBarrier: three shards arriving at different times agree on one
// start, the last arrival plus the margin, whoever noticed it when.
func TestBarrier(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n = 3
	starts := make([]time.Time, n)
	var arrived [n]time.Time
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 150 * time.Millisecond)
			arrived[i] = time.Now()
			b := barrier{dir: dir, shard: scenario.Shard{Index: i, Count: n}, margin: 500 * time.Millisecond, timeout: 5 * time.Second, now: time.Now}
			at, err := b.wait(context.Background())
			if err != nil {
				t.Error(err)
			}
			starts[i] = at
		}()
	}
	wg.Wait()
	for i := range n {
		if !starts[i].Equal(starts[0]) {
			t.Errorf("shard %d starts at %v, shard 0 at %v", i, starts[i], starts[0])
		}
	}
	if d := starts[0].Sub(arrived[n-1]); d < 500*time.Millisecond || d > 520*time.Millisecond {
		t.Errorf("start %v after the last arrival, want the 500 ms margin", d)
	}
	// The same directory again: an earlier run's file is refused.
	b := barrier{dir: dir, shard: scenario.Shard{Index: 1, Count: n}, margin: time.Second, timeout: time.Second, now: time.Now}
	if _, err := b.wait(context.Background()); err == nil || !strings.Contains(err.Error(), "earlier run") {
		t.Errorf("stale barrier file: %v", err)
	}
}

func TestBarrierTimeout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "shard-2-of-4.ready"), []byte(time.Now().Format(time.RFC3339Nano)), 0o644); err != nil {
		t.Fatal(err)
	}
	b := barrier{dir: dir, shard: scenario.Shard{Index: 0, Count: 4}, margin: time.Second, timeout: 200 * time.Millisecond, now: time.Now}
	_, err := b.wait(context.Background())
	if err == nil || !strings.Contains(err.Error(), "2 of 4 shards ready") || !strings.Contains(err.Error(), "missing: 1, 3") {
		t.Errorf("timeout: %v", err)
	}
}
