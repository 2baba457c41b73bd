package live

import (
	"slices"
	"sync"
	"time"
)

// cpuSampler records this process's CPU time every 100 ms.
type cpuSampler struct {
	mu   sync.Mutex
	at   []time.Time
	cpu  []time.Duration
	done chan struct{}
	wg   sync.WaitGroup
}

func startCPUSampler() *cpuSampler {
	s := &cpuSampler{done: make(chan struct{})}
	s.take()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tk := time.NewTicker(100 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-tk.C:
				s.take()
			}
		}
	}()
	return s
}

func (s *cpuSampler) take() {
	c, t := cpuSelf(), time.Now()
	s.mu.Lock()
	s.at, s.cpu = append(s.at, t), append(s.cpu, c)
	s.mu.Unlock()
}

func (s *cpuSampler) stop() { close(s.done); s.wg.Wait(); s.take() }

// pct is the CPU used between the samples nearest a and b, % of one core.
func (s *cpuSampler) pct(a, b time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	near := func(t time.Time) int {
		i, _ := slices.BinarySearchFunc(s.at, t, func(x, y time.Time) int { return x.Compare(y) })
		if i >= len(s.at) {
			i = len(s.at) - 1
		}
		if i > 0 && t.Sub(s.at[i-1]) < s.at[i].Sub(t) {
			i--
		}
		return i
	}
	i, j := near(a), near(b)
	if j <= i {
		return 0
	}
	return 100 * float64(s.cpu[j]-s.cpu[i]) / float64(s.at[j].Sub(s.at[i]))
}
