package netem

import "math/rand/v2"

// lossChain decides which datagrams of one direction are lost: independent
// draws for random loss, a Gilbert–Elliott chain for bursts (Link.Burst).
// Not safe for concurrent use: its direction's lock guards it.
type lossChain struct {
	bad bool // the chain's state: in a burst
}

// lost draws the fate of the next datagram.
func (c *lossChain) lost(rng *rand.Rand, l Link) bool {
	switch {
	case l.Loss <= 0:
		c.bad = false
		return false
	case l.Loss >= 1:
		return true
	case l.Burst <= 1:
		c.bad = false
		return rng.Float64() < l.Loss
	}
	p, r := l.transition()
	if c.bad {
		if rng.Float64() < r {
			c.bad = false
		}
	} else if rng.Float64() < p {
		c.bad = true
	}
	return c.bad
}
