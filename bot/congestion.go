package bot

import "sync"

// rateFollower is a player whose encoder can follow the congestion
// controller (live video); fixture players cannot and are not registered.
type rateFollower interface {
	// followTarget sets the encoder's target from the estimate of the whole
	// PeerConnection (bits per second; the follower keeps room for audio).
	followTarget(total int)
}

// estimator is what the bot needs of a pion send-side bandwidth estimator
// (cc.BandwidthEstimator).
type estimator interface {
	GetTargetBitrate() int
	OnTargetBitrateChange(func(bitrate int))
	GetStats() map[string]any
}

// congestion feeds the send-side bandwidth estimates of a live bot's
// PeerConnections into its live video encoders. Only PeerConnections that
// carry the bot's media get transport-wide feedback, so only their
// estimators ever change; the last change wins.
type congestion struct {
	mu        sync.Mutex
	target    int // last estimate in bits per second; 0 before the first
	changes   int // estimates delivered
	followers []rateFollower
	watched   []estimator
}

// watch subscribes to an estimator's changes. pion calls the callback on a
// new goroutine per change, so two may race: each reads the estimator's
// current value instead of trusting its argument, and the newest wins.
func (c *congestion) watch(e estimator) {
	c.mu.Lock()
	c.watched = append(c.watched, e)
	c.mu.Unlock()
	e.OnTargetBitrateChange(func(int) { c.set(e.GetTargetBitrate()) })
}

// set records a new estimate and passes it to every follower.
func (c *congestion) set(bps int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bps <= 0 {
		return
	}
	c.target = bps
	c.changes++
	for _, f := range c.followers {
		f.followTarget(bps)
	}
}

// follow registers a live video player; it gets the current estimate at
// once if there is one.
func (c *congestion) follow(f rateFollower) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.followers = append(c.followers, f)
	if c.target > 0 {
		f.followTarget(c.target)
	}
}

// estimate returns the last estimate delivered (before the first, the
// first estimator's starting value; 0 without one) and how many changes
// were delivered.
func (c *congestion) estimate() (bps, changes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changes == 0 && len(c.watched) > 0 {
		return c.watched[0].GetTargetBitrate(), 0
	}
	return c.target, c.changes
}

// stats returns the internal figures of the first estimator (GCC: the
// loss- and delay-based targets, average loss, delay estimate), nil
// without one.
func (c *congestion) stats() map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.watched) == 0 {
		return nil
	}
	return c.watched[0].GetStats()
}
