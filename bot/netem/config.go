package netem

import (
	"errors"
	"fmt"
	"time"
)

// Config is the impairment of one direction-independent link. The zero
// value impairs nothing.
type Config struct {
	// SendLoss and RecvLoss are the probabilities (0…1) that a datagram
	// written or read is dropped.
	SendLoss float64 `json:"send_loss,omitempty" yaml:"send_loss"`
	RecvLoss float64 `json:"recv_loss,omitempty" yaml:"recv_loss"`
	// Delay is added to every datagram written; Jitter adds a uniformly
	// random extra delay in [0, Jitter). Datagrams keep their order.
	Delay  time.Duration `json:"delay,omitempty" yaml:"delay"`
	Jitter time.Duration `json:"jitter,omitempty" yaml:"jitter"`
	// SendRate caps what the socket sends, in bits per second of UDP
	// payload (0: no cap). Faster writes queue (their delay grows) and,
	// beyond SendQueue of queued sending time, are dropped.
	SendRate int `json:"send_rate,omitempty" yaml:"send_rate"`
	// SendQueue bounds the SendRate queue in sending time (default
	// DefaultRateQueue).
	SendQueue time.Duration `json:"send_queue,omitempty" yaml:"send_queue"`
	// Seed makes the random drops repeatable; 0 picks one from the clock.
	Seed int64 `json:"seed,omitempty" yaml:"seed"`
}

// DefaultQueue is how many delayed datagrams a socket holds before it drops
// new ones (a tail-drop queue, as a router would).
const DefaultQueue = 1024

// Validate reports every out-of-range field at once.
func (c Config) Validate() error {
	var errs []error
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
	return errors.Join(errs...)
}

// Zero reports whether c impairs nothing.
func (c Config) Zero() bool {
	return c.SendLoss == 0 && c.RecvLoss == 0 && c.Delay == 0 && c.Jitter == 0 && c.SendRate == 0
}
