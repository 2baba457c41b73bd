package netem

import (
	"sync"
	"time"
)

// DefaultRateQueue is how much sending time a rate-capped socket queues
// before it drops new datagrams (tail drop), as a router's buffer would.
const DefaultRateQueue = 200 * time.Millisecond

// rateLink is a bottleneck link of a fixed rate in front of one socket: a
// datagram leaves when the ones before it have been serialised at the
// link's rate, so sending faster than the rate builds a queue (delay
// grows) until the queue holds more than maxQueue of sending time and new
// datagrams are dropped. It is a token bucket with no burst allowance.
type rateLink struct {
	bps      float64
	maxQueue time.Duration

	mu   sync.Mutex
	free time.Time // when the link will have sent everything admitted
}

func newRateLink(bps int, maxQueue time.Duration) *rateLink {
	if maxQueue <= 0 {
		maxQueue = DefaultRateQueue
	}
	return &rateLink{bps: float64(bps), maxQueue: maxQueue}
}

// admit returns how long after now a datagram of n bytes has left the link,
// or false if the queue is full and it is dropped.
func (l *rateLink) admit(now time.Time, n int) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := l.free
	if start.Before(now) {
		start = now
	}
	if start.Sub(now) > l.maxQueue {
		return 0, false
	}
	l.free = start.Add(time.Duration(float64(n*8) / l.bps * float64(time.Second)))
	return l.free.Sub(now), true
}
