package play

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Scheduler paces many Players with a few goroutines. It is safe for
// concurrent use. Close stops it and waits for its goroutines.
type Scheduler struct {
	nshards int
	maxLag  time.Duration

	shards []*shard
	next   atomic.Uint32 // round-robin shard assignment
	// taken holds the lag TakeLag handed out, so that TotalLag still
	// covers the whole life of the scheduler.
	takenMu      sync.Mutex
	taken        *hdrhistogram.Histogram
	takenRebases uint64
	done         chan struct{}
	wg           sync.WaitGroup
	closeOnce    sync.Once
}

// shard is one pacing goroutine with its heap of players.
type shard struct {
	s    *Scheduler
	mu   sync.Mutex // guards heap and ticking
	heap playerHeap
	// ticking is 1 while the loop writes a popped player's frame: that
	// player is out of the heap but still scheduled.
	ticking int
	wake    chan struct{} // capacity 1: a player was added with an earlier due time

	lagMu   sync.Mutex // guards lag and rebases; the shard records, readers snapshot
	lag     *hdrhistogram.Histogram
	rebases uint64
}

// coalesce is how early a frame may be written so that the frames of many
// players share one wake-up. Receivers see it as up to 2 ms of send jitter.
const coalesce = 2 * time.Millisecond

// lagMaxMicros bounds the lag histogram (60 s); later frames are clamped.
const lagMaxMicros = 60_000_000

// NewScheduler starts a Scheduler. The caller owns it and must Close it.
func NewScheduler(opts ...SchedulerOption) (*Scheduler, error) {
	s := &Scheduler{nshards: runtime.GOMAXPROCS(0), maxLag: DefaultMaxLag, done: make(chan struct{}),
		taken: hdrhistogram.New(1, lagMaxMicros, 2)}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	s.shards = make([]*shard, s.nshards)
	for i := range s.shards {
		sh := &shard{s: s, wake: make(chan struct{}, 1), lag: hdrhistogram.New(1, lagMaxMicros, 2)}
		s.shards[i] = sh
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			sh.run()
		}()
	}
	return s, nil
}

// Close stops the pacing goroutines and waits for them. Players of a closed
// scheduler send nothing more. Close is idempotent.
func (s *Scheduler) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.wg.Wait()
	})
	return nil
}

// Players returns the number of players currently scheduled (closed players
// leave at their next due time).
func (s *Scheduler) Players() int {
	n := 0
	for _, sh := range s.shards {
		sh.mu.Lock()
		n += len(sh.heap) + sh.ticking
		sh.mu.Unlock()
	}
	return n
}

// LagStats summarises pacing lag: how late frames were written relative to
// their schedule. A healthy generator keeps P99 within a few milliseconds.
type LagStats struct {
	Frames  int64         // frames measured
	Mean    time.Duration //
	P50     time.Duration //
	P90     time.Duration //
	P99     time.Duration //
	Max     time.Duration //
	Rebases uint64        // schedules restarted because a frame was later than the max lag
}

// Lag returns pacing lag since the start or the last TakeLag.
func (s *Scheduler) Lag() LagStats { return s.lagStats(false) }

// TakeLag returns pacing lag since the start or the last TakeLag and resets
// it, for per-interval generator health.
func (s *Scheduler) TakeLag() LagStats { return s.lagStats(true) }

// TotalLag returns pacing lag since the start, whatever TakeLag reset.
func (s *Scheduler) TotalLag() LagStats {
	s.takenMu.Lock() // held throughout: a TakeLag cannot move lag in between
	defer s.takenMu.Unlock()
	all, rebases := s.merged(false)
	all.Merge(s.taken)
	return lagOf(all, rebases+s.takenRebases)
}

func (s *Scheduler) lagStats(reset bool) LagStats {
	s.takenMu.Lock()
	defer s.takenMu.Unlock()
	all, rebases := s.merged(reset)
	if reset {
		s.taken.Merge(all)
		s.takenRebases += rebases
	}
	return lagOf(all, rebases)
}

// merged is the shards' lag histograms merged, reset after if asked.
func (s *Scheduler) merged(reset bool) (*hdrhistogram.Histogram, uint64) {
	all := hdrhistogram.New(1, lagMaxMicros, 2)
	var rebases uint64
	for _, sh := range s.shards {
		sh.lagMu.Lock()
		all.Merge(sh.lag)
		rebases += sh.rebases
		if reset {
			sh.lag.Reset()
			sh.rebases = 0
		}
		sh.lagMu.Unlock()
	}
	return all, rebases
}

func lagOf(all *hdrhistogram.Histogram, rebases uint64) LagStats {
	us := func(v int64) time.Duration { return time.Duration(v) * time.Microsecond }
	return LagStats{
		Frames:  all.TotalCount(),
		Mean:    time.Duration(all.Mean() * float64(time.Microsecond)),
		P50:     us(all.ValueAtQuantile(50)),
		P90:     us(all.ValueAtQuantile(90)),
		P99:     us(all.ValueAtQuantile(99)),
		Max:     us(all.Max()),
		Rebases: rebases,
	}
}

// add schedules p on the least recently used shard.
func (s *Scheduler) add(p *Player) error {
	select {
	case <-s.done:
		return ErrClosed
	default:
	}
	sh := s.shards[int(s.next.Add(1))%len(s.shards)]
	p.shard = sh
	sh.push(p)
	return nil
}

func (sh *shard) push(p *Player) {
	sh.mu.Lock()
	sh.heap.push(p)
	first := sh.heap[0] == p
	sh.mu.Unlock()
	if first {
		select {
		case sh.wake <- struct{}{}:
		default:
		}
	}
}

// run is the shard loop: sleep until the earliest due player, then write
// every frame that is due.
func (sh *shard) run() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		sh.mu.Lock()
		var wait time.Duration = -1
		var p *Player
		now := time.Now()
		if len(sh.heap) > 0 {
			// Frames due within the coalescing window go now: with hundreds
			// of players, one wake-up per frame would cost more CPU (timer,
			// futex, scheduling) than writing the frames.
			if d := sh.heap[0].due.Sub(now); d > coalesce {
				wait = d
			} else {
				p = sh.heap.pop()
				sh.ticking = 1
			}
		}
		sh.mu.Unlock()

		if p != nil {
			lag, rebased, alive := p.tick(now, sh.s.maxLag)
			if lag >= 0 {
				sh.record(lag, rebased)
			}
			sh.mu.Lock()
			if alive {
				sh.heap.push(p)
			}
			sh.ticking = 0
			sh.mu.Unlock()
			select {
			case <-sh.s.done:
				return
			default:
			}
			continue
		}

		if wait < 0 {
			wait = time.Hour
		}
		timer.Reset(wait)
		select {
		case <-sh.s.done:
			return
		case <-sh.wake:
			if !timer.Stop() {
				<-timer.C
			}
		case <-timer.C:
		}
	}
}

func (sh *shard) record(lag time.Duration, rebased bool) {
	us := max(lag.Microseconds(), 1) // frames written early (coalesced) count as on time
	sh.lagMu.Lock()
	_ = sh.lag.RecordValue(min(us, lagMaxMicros))
	if rebased {
		sh.rebases++
	}
	sh.lagMu.Unlock()
}

// playerHeap is a binary min-heap of players by due time. Each player keeps
// its index so the heap never searches.
type playerHeap []*Player

func (h *playerHeap) push(p *Player) {
	*h = append(*h, p)
	h.up(len(*h) - 1)
}

func (h *playerHeap) pop() *Player {
	old := *h
	n := len(old) - 1
	p := old[0]
	old[0] = old[n]
	old[n] = nil
	*h = old[:n]
	if n > 0 {
		h.down(0)
	}
	return p
}

func (h playerHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h[i].due.Before(h[parent].due) {
			return
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func (h playerHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[r].due.Before(h[l].due) {
			m = r
		}
		if !h[m].due.Before(h[i].due) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
