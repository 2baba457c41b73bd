package netem

import (
	"sync"
	"time"
)

// DefaultRateQueue is how much sending time a rate-capped link queues
// before it drops new datagrams (tail drop), as a router's buffer would.
const DefaultRateQueue = 200 * time.Millisecond

// rateLink is a bottleneck link in front of one socket direction: a
// datagram leaves when the ones before it have been serialised at the
// link's rate, so traffic faster than the rate builds a queue (delay
// grows) until the queue holds more than maxQueue of sending time and new
// datagrams are dropped. It is a token bucket with no burst allowance. The
// rate and queue bound come with each datagram, so they can change at run
// time.
type rateLink struct {
	mu   sync.Mutex
	free time.Time // when the link will have sent everything admitted
}

// admit returns how long after now a datagram of n bytes has left a link
// of bps bits per second whose queue holds at most maxQueue (0:
// DefaultRateQueue) of sending time, or false if the queue is full and it
// is dropped.
func (l *rateLink) admit(now time.Time, n, bps int, maxQueue time.Duration) (time.Duration, bool) {
	if maxQueue <= 0 {
		maxQueue = DefaultRateQueue
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	start := l.free
	if start.Before(now) {
		start = now
	}
	if start.Sub(now) > maxQueue {
		return 0, false
	}
	l.free = start.Add(time.Duration(float64(n*8) / float64(bps) * float64(time.Second)))
	return l.free.Sub(now), true
}
