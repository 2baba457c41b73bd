package bot

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/pion/transport/v5"
	"github.com/pion/webrtc/v4"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/signaling"
)

// Option configures a Bot in New. Options are applied after the defaults
// and before validation.
type Option func(*Bot) error

// WithDriver sets the signaling driver (required: the bot cannot guess the
// room service).
func WithDriver(d signaling.Driver) Option {
	return func(b *Bot) error {
		if d == nil {
			return errors.New("bot: WithDriver(nil)")
		}
		b.driver = d
		return nil
	}
}

// WithSink sets where events and stats samples go (default
// reports.Discard). The sink is called from the bot's signaling, media and
// stats goroutines and must not block.
func WithSink(s reports.Sink) Option {
	return func(b *Bot) error {
		if s == nil {
			return errors.New("bot: WithSink(nil)")
		}
		b.sink = s
		return nil
	}
}

// WithHost shares a per-process Host (network, media library, pacer)
// between bots. Without it the bot makes a private Host and closes it on
// Stop.
func WithHost(h *Host) Option {
	return func(b *Bot) error {
		if h == nil {
			return errors.New("bot: WithHost(nil)")
		}
		b.host = h
		return nil
	}
}

// WithNet gives the bot's PeerConnections their own network, e.g. a
// bot/netem impairment; the bot's socket is opened through it, so the
// impairment hits only this bot.
func WithNet(n transport.Net) Option {
	return func(b *Bot) error {
		if n == nil {
			return errors.New("bot: WithNet(nil)")
		}
		b.net = n
		return nil
	}
}

// WithSettingEngine is an escape hatch: f adjusts the bot's SettingEngine
// after the bot configured it (network, mux, candidates).
func WithSettingEngine(f func(*webrtc.SettingEngine)) Option {
	return func(b *Bot) error {
		b.seHooks = append(b.seHooks, f)
		return nil
	}
}

// WithAPI is an escape hatch: the bot uses this webrtc.API as is, instead of
// building one with its stats and keyframe interceptors. Stats that need
// the bot's interceptors are then missing (nil) from samples.
func WithAPI(api *webrtc.API) Option {
	return func(b *Bot) error {
		b.api = api
		return nil
	}
}

// WithNow injects the clock for event times, join times and samples.
func WithNow(now func() time.Time) Option {
	return func(b *Bot) error {
		if now == nil {
			return errors.New("bot: WithNow(nil)")
		}
		b.now = now
		return nil
	}
}

// WithLogger sets the bot's logger (default: discard). Config.Debug logs
// events at debug level on it.
func WithLogger(l *slog.Logger) Option {
	return func(b *Bot) error {
		if l == nil {
			return errors.New("bot: WithLogger(nil)")
		}
		b.log = l
		return nil
	}
}

// WithHTTPClient sets the client for the signing service (default: a
// client with a 10 s timeout).
func WithHTTPClient(c *http.Client) Option {
	return func(b *Bot) error {
		if c == nil {
			return errors.New("bot: WithHTTPClient(nil)")
		}
		b.httpClient = c
		return nil
	}
}

// WithStatsInterval sets how often a stats Sample is taken (default
// DefaultStatsInterval); zero turns stats off.
func WithStatsInterval(d time.Duration) Option {
	return func(b *Bot) error {
		if d < 0 {
			return errors.New("bot: negative stats interval")
		}
		b.statsEvery = d
		return nil
	}
}

// DefaultStatsInterval is the period of the bot's stats Samples.
const DefaultStatsInterval = time.Second
