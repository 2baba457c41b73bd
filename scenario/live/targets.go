package live

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/signaling"
)

// A server kind plugs in here: a driver package under signaling/ and one
// file in this package that calls registerTarget from init. Nothing in
// bot/ or scenario/ branches on the kind.

// Target is an opened room service: the driver the bots use, the fault
// injector for fault steps (nil: none), and how the bots sign in.
type Target struct {
	// Name is what reports call the target ("embedded" or the URL without
	// credentials).
	Name   string
	Kind   string
	Driver signaling.Driver
	Faults scenario.FaultInjector
	// SDKAppID, Secret and SignURL are the TRTC credentials bots sign
	// with; DriverCredentials means the driver brings its own (an API
	// key, a token) and bots sign nothing.
	SDKAppID          uint32
	Secret            string
	SignURL           string
	SignToken         string // bearer token of SignURL (never printed)
	DriverCredentials bool
	// ListenIP is the address the bots' sockets bind to; empty means
	// bot.DefaultListenIP (loopback).
	ListenIP string
	// PageURL is the web room page that browser participants open (the
	// reference service's /; "" for kinds without one).
	PageURL string

	close func() error
}

// Close releases what opening the target started (the embedded service).
// It is idempotent when the opener's close is.
func (t *Target) Close() error {
	if t.close == nil {
		return nil
	}
	return t.close()
}

// targetKind is one kind of server.
type targetKind struct {
	// unsupported says why a feature cannot be played on this kind ("" =
	// it can), fault steps included; it connects nothing.
	unsupported func(signaling.Feature) string
	// check finds kind-specific mistakes in the target settings (nil:
	// none), each placed with c.TargetPos.
	check func(c *scenario.Config) scenario.ValidationErrors
	// open connects (or starts) the target. Credentials come from
	// o.Getenv; a missing one wraps ErrUsage, an unreachable server
	// ErrNotCarried.
	open func(ctx context.Context, c *scenario.Config, o Options) (*Target, error)
}

var targetKinds = map[string]targetKind{}

// registerTarget adds a kind; called from init of the kind's file.
func registerTarget(kind string, k targetKind) {
	if _, dup := targetKinds[kind]; dup || k.open == nil {
		panic("live: bad registration of target kind " + kind) // programming error at init
	}
	if k.unsupported == nil {
		k.unsupported = func(signaling.Feature) string { return "" }
	}
	targetKinds[kind] = k
}

// TargetKinds returns the kinds that can be played, sorted.
func TargetKinds() []string {
	out := make([]string, 0, len(targetKinds))
	for k := range targetKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseTargetFlag reads `--target KIND=URL` (for example
// livekit=ws://127.0.0.1:7880 or native=ws://127.0.0.1:8080/ws).
func ParseTargetFlag(s string) (kind, rawURL string, err error) {
	kind, rawURL, ok := strings.Cut(s, "=")
	if !ok || kind == "" || rawURL == "" {
		return "", "", fmt.Errorf("--target %q: want KIND=URL, e.g. livekit=ws://127.0.0.1:7880 (kinds: %s)", s, strings.Join(TargetKinds(), ", "))
	}
	if _, known := targetKinds[kind]; !known {
		return "", "", fmt.Errorf("--target %q: unknown kind %q (kinds: %s)", s, kind, strings.Join(TargetKinds(), ", "))
	}
	return kind, rawURL, nil
}

// Check validates c against its target before anything connects: the
// kind is known, its settings make sense, and the target supports every
// feature c uses (each refusal at the file position of the use). Errors
// are scenario.ValidationErrors (errors.Is(err, scenario.ErrInvalid)).
func Check(c *scenario.Config) error {
	kind := c.Target.KindName()
	k, ok := targetKinds[kind]
	if !ok {
		return scenario.ValidationErrors{{Pos: c.TargetPos("kind"), Path: "target.kind",
			Msg: fmt.Sprintf("unknown target kind %q", kind), Hint: "kinds: " + strings.Join(TargetKinds(), ", ")}}
	}
	var errs scenario.ValidationErrors
	if k.check != nil {
		errs = append(errs, k.check(c)...)
	}
	errs = append(errs, checkBrowserTarget(c, kind)...)
	if err := c.CheckFeatures(kind, k.unsupported); err != nil {
		errs = append(errs, err.(scenario.ValidationErrors)...)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// OpenTarget checks c (Check) and opens its target: starts the embedded
// service or makes sure the server is reachable, settles credentials and
// builds the driver. The caller closes the Target.
func OpenTarget(ctx context.Context, c *scenario.Config, o Options) (*Target, error) {
	if err := Check(c); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	t, err := targetKinds[c.Target.KindName()].open(ctx, c, o)
	if err != nil {
		return nil, err
	}
	t.Kind = c.Target.KindName()
	return t, nil
}

// dialCheck makes sure something accepts TCP connections at the target's
// URL: a clear "unreachable" before any bot tries.
func dialCheck(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("%w: target %q: %w", ErrUsage, redact(rawURL), err)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), map[string]string{"ws": "80", "wss": "443", "http": "80", "https": "443"}[u.Scheme])
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("%w: target %s unreachable: %w", ErrNotCarried, redact(rawURL), err)
	}
	return conn.Close()
}

// credentialEnv reads the environment variable env (or def when env is
// empty); a missing value is a usage error naming the variable, never its
// value.
func credentialEnv(o Options, env, def, what string) (string, error) {
	if env == "" {
		env = def
	}
	v := o.Getenv(env)
	if v == "" {
		return "", fmt.Errorf("%w: credentials: set %s in $%s", ErrUsage, what, env)
	}
	return v, nil
}
