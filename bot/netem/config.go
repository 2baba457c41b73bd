package netem

import (
	"errors"
	"fmt"
	"time"
)

// Link is the impairment of one direction: Up is what the bot sends, Down
// what it receives. The zero value impairs nothing.
type Link struct {
	// Loss is the long-run share (0…1) of datagrams dropped.
	Loss float64 `json:"loss,omitempty"`
	// Burst is the mean length of a run of lost datagrams. 0 or 1 drops
	// each datagram independently (random loss); above 1 losses come in
	// bursts from a two-state Gilbert–Elliott chain (the good state passes
	// everything, the bad state drops everything) whose stationary loss is
	// Loss and whose mean stay in the bad state is Burst datagrams.
	Burst float64 `json:"burst,omitempty"`
	// Delay is added to every datagram; Jitter adds a uniformly random
	// extra delay in [0, Jitter). Datagrams keep their order unless Reorder
	// is set, in which case each is delayed independently and a later one
	// may overtake an earlier one.
	Delay   time.Duration `json:"delay,omitempty"`
	Jitter  time.Duration `json:"jitter,omitempty"`
	Reorder bool          `json:"reorder,omitempty"`
	// Duplicate is the probability (0…1) that a datagram is delivered twice.
	Duplicate float64 `json:"duplicate,omitempty"`
	// Rate caps the link in bits per second of UDP payload (0: no cap).
	// Faster traffic queues (its delay grows) and, beyond Queue of queued
	// sending time, is dropped (tail drop).
	Rate int `json:"rate,omitempty"`
	// Queue bounds the Rate queue in sending time (0: DefaultRateQueue).
	Queue time.Duration `json:"queue,omitempty"`
}

// Zero reports whether l impairs nothing.
func (l Link) Zero() bool { return l == Link{} }

// transition returns the Gilbert–Elliott probabilities of going bad
// (p, from good) and good again (r, from bad) for l's Loss and Burst.
func (l Link) transition() (p, r float64) {
	r = 1 / l.Burst
	return l.Loss * r / (1 - l.Loss), r
}

func (l Link) validate(dir string) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("netem: "+dir+"."+format, args...))
	}
	if l.Loss < 0 || l.Loss > 1 {
		bad("loss must be in [0,1], got %g", l.Loss)
	}
	if l.Burst != 0 && l.Burst < 1 {
		bad("burst must be 0 (random loss) or a mean burst length >= 1 datagram, got %g", l.Burst)
	}
	if l.Burst > 1 && l.Loss > 0 {
		// The chain needs p = Loss/(Burst·(1-Loss)) <= 1.
		if max := l.Burst / (1 + l.Burst); l.Loss > max {
			bad("loss %g is too high for bursts of %g datagrams (at most %.3g: bursts need good datagrams between them)", l.Loss, l.Burst, max)
		}
	}
	if l.Delay < 0 {
		bad("delay must be >= 0, got %v", l.Delay)
	}
	if l.Jitter < 0 {
		bad("jitter must be >= 0, got %v", l.Jitter)
	}
	if l.Duplicate < 0 || l.Duplicate > 1 {
		bad("duplicate must be in [0,1], got %g", l.Duplicate)
	}
	if l.Rate < 0 {
		bad("rate must be >= 0, got %d", l.Rate)
	}
	if l.Queue < 0 {
		bad("queue must be >= 0, got %v", l.Queue)
	}
	return errs
}

// Config is one bot's impairment. The zero value impairs nothing.
type Config struct {
	// Up and Down impair what the bot sends and what it receives.
	Up   Link `json:"up,omitzero"`
	Down Link `json:"down,omitzero"`
	// Offline drops every datagram both ways and stalls the signaling
	// connection (when Signaling is set) until it is cleared.
	Offline bool `json:"offline,omitempty"`
	// Signaling impairs the bot's signaling connection too (Dial): its
	// bytes get Up.Delay and Down.Delay, and Offline stalls it. Loss,
	// jitter and rate caps are left to TCP below it and are not applied.
	Signaling bool `json:"signaling,omitempty"`

	// SendLoss, RecvLoss, Delay, Jitter, SendRate and SendQueue are the
	// older one-direction names: Up.Loss, Down.Loss, Up.Delay, Up.Jitter,
	// Up.Rate and Up.Queue. Setting both a short name and its field is an
	// error.
	SendLoss  float64       `json:"send_loss,omitempty"`
	RecvLoss  float64       `json:"recv_loss,omitempty"`
	Delay     time.Duration `json:"delay,omitempty"`
	Jitter    time.Duration `json:"jitter,omitempty"`
	SendRate  int           `json:"send_rate,omitempty"`
	SendQueue time.Duration `json:"send_queue,omitempty"`

	// Seed makes the random drops repeatable; 0 picks one from the clock.
	Seed int64 `json:"seed,omitempty"`
}

// DefaultQueue is how many delayed datagrams a socket holds per direction
// before it drops new ones (a tail-drop queue, as a router would).
const DefaultQueue = 1024

// Validate reports every out-of-range field at once.
func (c Config) Validate() error {
	var errs []error
	short := func(name string, set, field bool) {
		if set && field {
			errs = append(errs, fmt.Errorf("netem: %s and its per-direction field are both set", name))
		}
	}
	short("send_loss", c.SendLoss != 0, c.Up.Loss != 0)
	short("recv_loss", c.RecvLoss != 0, c.Down.Loss != 0)
	short("delay", c.Delay != 0, c.Up.Delay != 0)
	short("jitter", c.Jitter != 0, c.Up.Jitter != 0)
	short("send_rate", c.SendRate != 0, c.Up.Rate != 0)
	short("send_queue", c.SendQueue != 0, c.Up.Queue != 0)
	if c.SendLoss < 0 || c.SendLoss > 1 {
		errs = append(errs, fmt.Errorf("netem: send_loss must be in [0,1], got %g", c.SendLoss))
	}
	if c.RecvLoss < 0 || c.RecvLoss > 1 {
		errs = append(errs, fmt.Errorf("netem: recv_loss must be in [0,1], got %g", c.RecvLoss))
	}
	if c.Delay < 0 {
		errs = append(errs, fmt.Errorf("netem: delay must be >= 0, got %v", c.Delay))
	}
	if c.Jitter < 0 {
		errs = append(errs, fmt.Errorf("netem: jitter must be >= 0, got %v", c.Jitter))
	}
	if c.SendRate < 0 {
		errs = append(errs, fmt.Errorf("netem: send_rate must be >= 0, got %d", c.SendRate))
	}
	if c.SendQueue < 0 {
		errs = append(errs, fmt.Errorf("netem: send_queue must be >= 0, got %v", c.SendQueue))
	}
	errs = append(errs, c.Up.validate("up")...)
	errs = append(errs, c.Down.validate("down")...)
	return errors.Join(errs...)
}

// Normalized moves the short names into Up and Down (and clears them).
func (c Config) Normalized() Config {
	move := func(dst *float64, src *float64) {
		if *src != 0 {
			*dst, *src = *src, 0
		}
	}
	move(&c.Up.Loss, &c.SendLoss)
	move(&c.Down.Loss, &c.RecvLoss)
	if c.Delay != 0 {
		c.Up.Delay, c.Delay = c.Delay, 0
	}
	if c.Jitter != 0 {
		c.Up.Jitter, c.Jitter = c.Jitter, 0
	}
	if c.SendRate != 0 {
		c.Up.Rate, c.SendRate = c.SendRate, 0
	}
	if c.SendQueue != 0 {
		c.Up.Queue, c.SendQueue = c.SendQueue, 0
	}
	return c
}

// Zero reports whether c impairs nothing.
func (c Config) Zero() bool {
	n := c.Normalized()
	return n.Up.Zero() && n.Down.Zero() && !n.Offline
}
