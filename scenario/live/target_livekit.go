package live

import (
	"context"
	"fmt"
	"strconv"

	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/livekit"
)

// livekit-server: the driver in signaling/livekit, faults through its
// RoomService API.
func init() {
	registerTarget("livekit", targetKind{unsupported: livekitUnsupported, check: checkLivekit, open: openLivekit})
}

// Default environment variables of a LiveKit API key and secret (the lk
// CLI's names).
const (
	DefaultLiveKitKeyEnv    = "LIVEKIT_API_KEY"
	DefaultLiveKitSecretEnv = "LIVEKIT_API_SECRET"
)

// livekitFaultSupport: "" for the faults RoomService carries, else why not.
var livekitFaultSupport = map[string]string{
	"kick": "", "dismiss": "", "mute_track": "",
	"fail_enter":  "LiveKit has no API to make joins fail (a bad token or a missing grant refuses one: see docs/targets.md)",
	"drop":        "LiveKit has no API to drop a participant's signaling connection (kick removes it)",
	"pause_media": "LiveKit has no API to stop forwarding unannounced (mute_track is announced to peers)",
	"delay":       "LiveKit has no API to delay signaling replies",
	"clear":       "LiveKit keeps no injected faults to clear",
}

func livekitUnsupported(f signaling.Feature) string {
	if n := f.FaultName(); n != "" {
		why, known := livekitFaultSupport[n]
		if !known {
			return "no such fault on LiveKit"
		}
		return why
	}
	return signaling.UnsupportedBy(livekit.New(""), f)
}

func checkLivekit(c *scenario.Config) scenario.ValidationErrors {
	errs := onlyFor(c, "livekit", "admin_url", "admin_token_env")
	if c.Target.TokenAuthEnv != "" && c.Target.TokenURL == "" {
		errs = append(errs, &scenario.ValidationError{Pos: c.TargetPos("token_auth_env"), Path: "target.token_auth_env",
			Msg: "token_auth_env without token_url", Hint: "set target.token_url, or remove token_auth_env"})
	}
	return errs
}

func openLivekit(ctx context.Context, c *scenario.Config, o Options) (*Target, error) {
	t := c.Target
	faults := false
	for _, u := range c.Features() {
		faults = faults || u.Feature.FaultName() != ""
	}
	var key, secret string
	if t.TokenURL == "" || faults { // tokens are minted, or fault steps need the server API
		var err error
		if key, err = credentialEnv(o, t.APIKeyEnv, DefaultLiveKitKeyEnv, "the LiveKit API key"); err != nil {
			return nil, err
		}
		if secret, err = credentialEnv(o, t.APISecretEnv, DefaultLiveKitSecretEnv, "the LiveKit API secret"); err != nil {
			return nil, err
		}
	}
	opts := []livekit.Option{livekit.WithLogger(o.Logger)}
	if t.TokenURL != "" {
		var bearer string
		if t.TokenAuthEnv != "" {
			var err error
			if bearer, err = credentialEnv(o, t.TokenAuthEnv, "", "the token URL's bearer token"); err != nil {
				return nil, err
			}
		}
		opts = append(opts, livekit.WithTokenURL(t.TokenURL, bearer))
	} else {
		opts = append(opts, livekit.WithAPIKey(key, secret))
	}
	tg := &Target{Name: redact(t.URL), Driver: livekit.New(t.URL, opts...), SDKAppID: sdkAppIDOf(c), DriverCredentials: true}
	if key != "" {
		a, err := livekit.NewAdmin(t.URL, key, secret)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUsage, err)
		}
		tg.Faults = livekitFaults{a}
	}
	if err := dialCheck(ctx, t.URL); err != nil {
		return nil, err
	}
	return tg, nil
}

// livekitFaults injects fault steps through RoomService.
type livekitFaults struct{ a *livekit.Admin }

func (l livekitFaults) Inject(ctx context.Context, f scenario.Fault) error {
	user, _ := f.Params["user"].(string)
	var room string
	switch r := f.Params["room"].(type) {
	case int64:
		room = strconv.FormatInt(r, 10)
	case string:
		room = r
	}
	var err error
	if room == "" && user != "" {
		if room, err = l.a.RoomOf(ctx, user); err != nil {
			return fmt.Errorf("fault %s: %w", f.Name, err)
		}
	}
	switch f.Name {
	case "kick":
		err = l.a.RemoveParticipant(ctx, room, user)
	case "dismiss":
		err = l.a.DeleteRoom(ctx, room)
	case "mute_track":
		track, _ := f.Params["track"].(string)
		err = l.a.MuteTrack(ctx, room, user, track, true)
	default:
		err = fmt.Errorf("not supported by target livekit")
	}
	if err != nil {
		return fmt.Errorf("fault %s: %w", f.Name, err)
	}
	return nil
}
