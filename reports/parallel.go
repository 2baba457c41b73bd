package reports

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// ParallelFor calls f(0) … f(n-1) on GOMAXPROCS goroutines and returns when
// all have returned. f must be safe to run concurrently for different i.
func ParallelFor(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(n, runtime.GOMAXPROCS(0))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		}()
	}
	wg.Wait()
}
