package live

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/roombot/roombot/browser"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/signature"
)

var browserRecvModes = map[string]int{"all": 1, "audio": 2, "video": 3, "none": 4}

// pageURL is the web room page of the reference service whose signaling
// URL is signal: the same host, path /.
func pageURL(signal string) (string, error) {
	u, err := url.Parse(signal)
	if err != nil {
		return "", err
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	default:
		return "", fmt.Errorf("signaling URL scheme %q", u.Scheme)
	}
	u.Path, u.RawQuery, u.Fragment, u.User = "/", "", "", nil
	return u.String(), nil
}

// newBrowser makes the participant of a kind: browser user: headless
// Chromium on the target's web room page, signed in with the run's secret.
func newBrowser(u *scenario.User, tg *Target, sink reports.Sink, pool *browser.Pool, log *slog.Logger) (scenario.Participant, error) {
	if tg.Secret == "" {
		return nil, fmt.Errorf("%w: group %s: kind: browser needs the app secret (credentials.secret or secret_env, or the embedded service); a signing service is not supported for browsers", ErrUsage, u.Group)
	}
	if tg.PageURL == "" {
		return nil, fmt.Errorf("%w: group %s: target %s has no web room page", ErrUsage, u.Group, tg.Name)
	}
	g := u.Config
	cfg := browser.Config{PageURL: tg.PageURL, SDKAppID: tg.SDKAppID, UserID: u.ID, RoomID: u.Room.ID, StrRoomID: u.Room.StrID,
		SecretKey: tg.Secret, Audience: g.Role == "audience", RecvMode: browserRecvModes[g.RecvMode], IM: g.IM,
		Muted: g.Muted, CameraOff: g.CameraOff, Template: g.Template,
		NoAudio: g.Media.Audio != nil && !*g.Media.Audio, NoVideo: g.Media.Video != nil && !*g.Media.Video}
	if g.Permissions != nil {
		cfg.Privileges = signature.Privilege(g.Permissions.Privileges)
	}
	b, err := browser.New(cfg, browser.WithSink(sink), browser.WithLogger(log), browser.WithPool(pool))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotCarried, err)
	}
	return b, nil
}

// checkBrowserTarget refuses browser groups against targets other than the
// reference service: the page speaks its protocol (docs/protocol.md) and is
// served by it.
func checkBrowserTarget(c *scenario.Config, kind string) scenario.ValidationErrors {
	if kind == scenario.TargetEmbedded || kind == scenario.TargetNative {
		return nil
	}
	var errs scenario.ValidationErrors
	for i, g := range c.Groups {
		if g.Kind == "browser" {
			p := fmt.Sprintf("groups[%d].kind", i)
			errs = append(errs, &scenario.ValidationError{Pos: c.PosOf(p), Path: p,
				Msg:  fmt.Sprintf("kind: browser is not supported by target %s", kind),
				Hint: "a browser opens the reference service's web room page; use the embedded or native target, or bots"})
		}
	}
	return errs
}

// browsersReady fails a run with browser groups before anything starts
// when there is no Chromium to run them.
func browsersReady(c *scenario.Config) error {
	for _, g := range c.Groups {
		if g.Kind == "browser" {
			if browser.FindChromium() == "" {
				return fmt.Errorf("%w: group %s (kind: browser): %w", ErrNotCarried, g.Name, browser.ErrNoChromium)
			}
			return nil
		}
	}
	return nil
}

// startBrowsers starts one Chromium per browser user before the run, with
// the target's page open, so that they enter on the timeline's time (a
// rejoining user starts a fresh one then). Nil without browser users.
func startBrowsers(ctx context.Context, plan *scenario.Plan, tg *Target) (*browser.Pool, error) {
	n := 0
	for _, u := range plan.Users {
		if u.Config.Kind == "browser" {
			n++
		}
	}
	if n == 0 {
		return nil, nil
	}
	if tg.PageURL == "" {
		return nil, fmt.Errorf("%w: target %s has no web room page for the browser groups", ErrUsage, tg.Name)
	}
	p, err := browser.NewPool(ctx, browser.FindChromium(), tg.PageURL, n)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotCarried, err)
	}
	return p, nil
}
