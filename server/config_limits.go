package server

import (
	"errors"
	"fmt"
	"time"
)

// LimitsConfig is the file's limits: section, the connection limits and
// timeouts of docs/admin.md. Unset (empty, 0) means the DefaultX.
//
//	limits:
//	  enterTimeout: 10s          # to send the enter after the upgrade (close 4003)
//	  answerTimeout: 10s         # to answer each offer (close 4004)
//	  mediaTimeout: 10s          # media silence that counts as dead (close 4001)
//	  maxPendingPerAddr: 256     # not-entered connections per remote IP (HTTP 429)
//	  maxConns: 10000            # all connections (HTTP 503)
type LimitsConfig struct {
	EnterTimeout      string `json:"enterTimeout,omitempty" yaml:"enterTimeout,omitempty"`
	AnswerTimeout     string `json:"answerTimeout,omitempty" yaml:"answerTimeout,omitempty"`
	MediaTimeout      string `json:"mediaTimeout,omitempty" yaml:"mediaTimeout,omitempty"`
	MaxPendingPerAddr int    `json:"maxPendingPerAddr,omitempty" yaml:"maxPendingPerAddr,omitempty"`
	MaxConns          int    `json:"maxConns,omitempty" yaml:"maxConns,omitempty"`
}

// apply checks the section and copies what it sets over c.
func (lc *LimitsConfig) apply(c *Config) error {
	if lc == nil {
		return nil
	}
	var errs []error
	dur := func(name, v string, dst *time.Duration) {
		if v == "" {
			return
		}
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("limits.%s %q: want a duration such as 10s", name, v))
		case d <= 0:
			errs = append(errs, fmt.Errorf("limits.%s %s: want > 0 (leave it out for the default)", name, d))
		default:
			*dst = d
		}
	}
	dur("enterTimeout", lc.EnterTimeout, &c.EnterTimeout)
	dur("answerTimeout", lc.AnswerTimeout, &c.AnswerTimeout)
	dur("mediaTimeout", lc.MediaTimeout, &c.MediaTimeout)
	count := func(name string, v int, dst *int) {
		switch {
		case v < 0:
			errs = append(errs, fmt.Errorf("limits.%s %d: want > 0 (leave it out for the default)", name, v))
		case v > 0:
			*dst = v
		}
	}
	count("maxPendingPerAddr", lc.MaxPendingPerAddr, &c.MaxPendingPerAddr)
	count("maxConns", lc.MaxConns, &c.MaxConns)
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...))
	}
	return nil
}
