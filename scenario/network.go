package scenario

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/roombot/roombot/bot/netem"
)

// NetworkConfig impairs a user's network in-process (bot/netem; the bot
// gets its own UDP socket). Written as a preset name (`network: 3g`), or a
// mapping: a preset with overrides (`{preset: 3g, up: {loss_pct: 5}}`),
// per-direction links, offline and signaling. The one-direction fields of
// older files (send_loss_pct, recv_loss_pct, delay, jitter,
// send_rate_kbps) still read: uplink loss, downlink loss, uplink delay
// and jitter, uplink cap.
type NetworkConfig struct {
	Preset string      `yaml:"preset"`
	Up     *LinkConfig `yaml:"up"`   // what the user sends
	Down   *LinkConfig `yaml:"down"` // what the user receives
	// Offline drops everything both ways (and stalls signaling).
	Offline *bool `yaml:"offline"`
	// Signaling applies delay and offline to the signaling connection too.
	Signaling *bool `yaml:"signaling"`

	SendLossPct  float64  `yaml:"send_loss_pct"`  // datagrams dropped on send, %
	RecvLossPct  float64  `yaml:"recv_loss_pct"`  // datagrams dropped on receive, %
	Delay        Duration `yaml:"delay"`          // added to every datagram sent
	Jitter       Duration `yaml:"jitter"`         // extra random delay in [0, jitter)
	SendRateKbps float64  `yaml:"send_rate_kbps"` // uplink cap, kbit/s (0: none), 200 ms queue
}

// LinkConfig is one direction's impairment; an absent field keeps the
// preset's value.
type LinkConfig struct {
	LossPct *float64 `yaml:"loss_pct"`
	// Burst is the mean length of a loss burst in packets (Gilbert–Elliott);
	// 0 or 1 is random loss.
	Burst        *float64  `yaml:"burst"`
	Delay        *Duration `yaml:"delay"`
	Jitter       *Duration `yaml:"jitter"`
	Reorder      *bool     `yaml:"reorder"`
	DuplicatePct *float64  `yaml:"duplicate_pct"`
	RateKbps     *float64  `yaml:"rate_kbps"`
	Queue        *Duration `yaml:"queue"`
}

// String names the network: its preset, and "custom" for what overrides
// or replaces it.
func (n *NetworkConfig) String() string {
	custom := n.Up != nil || n.Down != nil || n.Offline != nil || n.Signaling != nil || n.SendLossPct != 0 ||
		n.RecvLossPct != 0 || n.Delay != 0 || n.Jitter != 0 || n.SendRateKbps != 0
	switch {
	case n.Preset != "" && custom:
		return n.Preset + " (with overrides)"
	case n.Preset != "":
		return n.Preset
	default:
		return "custom"
	}
}

type networkFields NetworkConfig

func (n *NetworkConfig) decodeNode(d *decoder, node ast.Node, path string) {
	switch t := node.(type) {
	case *ast.NullNode:
	case *ast.StringNode:
		n.Preset = t.Value
		d.pos[path+".preset"] = d.at(node)
	default:
		d.decodeStruct(node, reflect.ValueOf((*networkFields)(n)).Elem(), path)
	}
}

// Netem returns the impairment n describes, with seed; errors name the
// field (relative to n) that is wrong.
func (n *NetworkConfig) Netem(seed int64) (netem.Config, []FieldError) {
	var errs []FieldError
	var c netem.Config
	if n.Preset != "" {
		p, ok := netem.Preset(n.Preset)
		if !ok {
			errs = append(errs, FieldError{"preset", fmt.Sprintf("unknown network preset %q", n.Preset), didYouMean(n.Preset, netem.PresetNames())})
		}
		c = p
	}
	pct := func(field string, v float64) float64 {
		if v < 0 || v > 100 {
			errs = append(errs, FieldError{field, fmt.Sprintf("%s %g out of range", field, v), "a percentage 0..100"})
		}
		return v / 100
	}
	c.SendLoss = pct("send_loss_pct", n.SendLossPct)
	c.RecvLoss = pct("recv_loss_pct", n.RecvLossPct)
	c.Delay, c.Jitter = n.Delay.D(), n.Jitter.D()
	if n.SendRateKbps < 0 || n.SendRateKbps > 10_000_000 {
		errs = append(errs, FieldError{"send_rate_kbps", fmt.Sprintf("send_rate_kbps %g out of range", n.SendRateKbps), "a rate in kbit/s, 0 for no cap"})
	}
	c.SendRate = int(n.SendRateKbps * 1000)
	// A preset's own values are per direction: the short names add to it.
	c = mergeShort(c)
	link := func(dir string, l *LinkConfig, dst *netem.Link) {
		if l == nil {
			return
		}
		if l.LossPct != nil {
			dst.Loss = pct(dir+".loss_pct", *l.LossPct)
		}
		if l.Burst != nil {
			dst.Burst = *l.Burst
		}
		if l.Delay != nil {
			dst.Delay = l.Delay.D()
		}
		if l.Jitter != nil {
			dst.Jitter = l.Jitter.D()
		}
		if l.Reorder != nil {
			dst.Reorder = *l.Reorder
		}
		if l.DuplicatePct != nil {
			dst.Duplicate = pct(dir+".duplicate_pct", *l.DuplicatePct)
		}
		if l.RateKbps != nil {
			if *l.RateKbps < 0 || *l.RateKbps > 10_000_000 {
				errs = append(errs, FieldError{dir + ".rate_kbps", fmt.Sprintf("rate_kbps %g out of range", *l.RateKbps), "a rate in kbit/s, 0 for no cap"})
			}
			dst.Rate = int(*l.RateKbps * 1000)
		}
		if l.Queue != nil {
			dst.Queue = l.Queue.D()
		}
	}
	link("up", n.Up, &c.Up)
	link("down", n.Down, &c.Down)
	if n.Offline != nil {
		c.Offline = *n.Offline
	}
	if n.Signaling != nil {
		c.Signaling = *n.Signaling
	}
	c.Seed = seed
	if len(errs) == 0 {
		if err := c.Validate(); err != nil {
			for _, e := range unjoin(err) {
				errs = append(errs, FieldError{"", strings.TrimPrefix(e.Error(), "netem: "), ""})
			}
		}
	}
	return c, errs
}

// mergeShort moves the one-direction names into the links, replacing the
// preset's value of the same field.
func mergeShort(c netem.Config) netem.Config {
	if c.SendLoss != 0 {
		c.Up.Loss, c.SendLoss = c.SendLoss, 0
	}
	if c.RecvLoss != 0 {
		c.Down.Loss, c.RecvLoss = c.RecvLoss, 0
	}
	if c.Delay != 0 {
		c.Up.Delay, c.Delay = c.Delay, 0
	}
	if c.Jitter != 0 {
		c.Up.Jitter, c.Jitter = c.Jitter, 0
	}
	if c.SendRate != 0 {
		c.Up.Rate, c.SendRate = c.SendRate, 0
	}
	return c
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// FieldError is a mistake in one field of a nested config: the field's
// path relative to the config, the message and a hint.
type FieldError struct{ Field, Msg, Hint string }

func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// network checks a NetworkConfig at path.
func (v *validator) network(path string, n *NetworkConfig) {
	if n == nil {
		return
	}
	_, errs := n.Netem(0)
	for _, e := range errs {
		p := path
		if e.Field != "" {
			p += "." + e.Field
		}
		v.errorf(p, e.Hint, "%s", e.Msg)
	}
}
