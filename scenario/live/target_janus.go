package live

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/janus"
	"github.com/roombot/roombot/signature"
)

// Janus (VideoRoom + TextRoom, signaling/janus). Rooms are created on the
// first enter, protected by the room secret; fault steps go through the
// VideoRoom's own kick and destroy.
//
//	target: {kind: janus, url: ws://HOST:8188, admin_token_env: JANUS_ROOM_SECRET, api_key_env: JANUS_ADMIN_KEY,
//	         admin_url: http://HOST:7188, api_secret_env: JANUS_ADMIN_SECRET}
//
// admin_token_env names the variable holding the room secret (the rooms'
// "secret": needed to kick and destroy), api_key_env the one holding the
// plugins' admin_key (needed to create rooms when Janus sets one). Both
// are optional: a Janus with neither configured needs neither. admin_url
// is Janus's Admin API WebSocket server (http://HOST:7188 is opened as
// ws://HOST:7188, janus-admin-protocol) and api_secret_env names the
// variable holding its admin_secret: the mute_track and drop faults need
// them.
func init() {
	registerTarget(TargetJanus, targetKind{unsupported: janusUnsupported, check: checkJanus, open: openJanus})
}

// TargetJanus is the kind name of Janus targets.
const TargetJanus = "janus"

// Default environment variables of a Janus target.
const (
	DefaultJanusRoomSecretEnv  = "JANUS_ROOM_SECRET"
	DefaultJanusAdminKeyEnv    = "JANUS_ADMIN_KEY"
	DefaultJanusAdminSecretEnv = "JANUS_ADMIN_SECRET"
)

// janusUnsupported is what a Janus target cannot play, and why.
func janusUnsupported(f signaling.Feature) string {
	switch f.FaultName() {
	case "":
	case "kick", "dismiss", "mute_track", "drop":
		return ""
	case "fail_enter":
		return "Janus has no API to make joins fail"
	case "delay":
		return "Janus has no API to delay one participant's signaling"
	case "pause_media":
		return "Janus has no unannounced stop of forwarding (mute_track, VideoRoom moderate, is announced to peers)"
	default:
		return "Janus has no such fault"
	}
	return signaling.UnsupportedBy(&janus.Driver{}, f)
}

// janusUnmapped are the privateMapKey bits with no Janus equivalent: a
// group that lacks one would expect a refusal Janus cannot give.
const janusUnmapped = signature.PrivSendAudio | signature.PrivSendVideo | signature.PrivRecvAudio | signature.PrivRecvVideo

func checkJanus(c *scenario.Config) scenario.ValidationErrors {
	errs := onlyFor(c, TargetJanus, "token_url")
	if c.Target.AdminURL == "" {
		for _, u := range c.Features() {
			if n := u.Feature.FaultName(); n == "mute_track" || n == "drop" {
				errs = append(errs, &scenario.ValidationError{Pos: c.PosOf(u.Path), Path: u.Path,
					Msg: "fault " + n + " on janus needs the Janus Admin API", Hint: "set target.admin_url (http://HOST:7188) and the admin_secret in $" + DefaultJanusAdminSecretEnv + " (or target.api_secret_env)"})
			}
		}
	}
	for i, a := range c.Assertions {
		if a.Metric == "e2e_latency" {
			path := fmt.Sprintf("assertions[%d].metric", i)
			errs = append(errs, &scenario.ValidationError{Pos: c.PosOf(path), Path: path,
				Msg:  "e2e_latency is not measured on target janus",
				Hint: "the Janus VideoRoom does not negotiate the abs-capture-time header extension (not in 1.1.2, nor in any later release up to 1.4), so receivers have no capture time; assert on e2e_latency against the reference service"})
		}
	}
	for i, g := range c.Groups {
		if g.Permissions == nil {
			continue
		}
		if missing := janusUnmapped &^ signature.Privilege(g.Permissions.Privileges); missing != 0 {
			path := fmt.Sprintf("groups[%d].permissions", i)
			errs = append(errs, &scenario.ValidationError{Pos: c.PosOf(path), Path: path,
				Msg:  fmt.Sprintf("privileges without %s are not supported by target janus", missing),
				Hint: "Janus has no per-participant publish or subscribe permission; only the enter bit maps (to the room's allowed tokens)"})
		}
	}
	return errs
}

// usesPermissions reports whether a group sets privileges: the rooms are
// then created with the enter ACL.
func usesPermissions(c *scenario.Config) bool {
	for _, g := range c.Groups {
		if g.Permissions != nil {
			return true
		}
	}
	return false
}

func openJanus(ctx context.Context, c *scenario.Config, o Options) (*Target, error) {
	env := func(name, def string) string {
		if name == "" {
			name = def
		}
		return o.Getenv(name)
	}
	secret, adminKey := env(c.Target.AdminTokenEnv, DefaultJanusRoomSecretEnv), env(c.Target.APIKeyEnv, DefaultJanusAdminKeyEnv)
	drv, err := janus.New(c.Target.URL, janus.WithLogger(o.Logger), janus.WithCreateRooms(adminKey, janus.Room{Secret: secret, EnterACL: usesPermissions(c)}))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if err := dialCheck(ctx, c.Target.URL); err != nil {
		return nil, err
	}
	ip, err := localIPTowards(c.Target.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotCarried, err)
	}
	adm := janus.NewAdmin(c.Target.URL, secret, adminKey)
	if c.Target.AdminURL != "" {
		apiURL := "ws" + strings.TrimPrefix(c.Target.AdminURL, "http") // http→ws, https→wss
		adm.WithAdminAPI(apiURL, env(c.Target.APISecretEnv, DefaultJanusAdminSecretEnv))
	}
	return &Target{Name: redact(c.Target.URL), Driver: drv, Faults: janusFaults{adm},
		SDKAppID: sdkAppIDOf(c), DriverCredentials: true, ListenIP: ip}, nil
}

// localIPTowards is the local address the kernel routes to the server's
// host from (a connected UDP socket sends nothing): the bots' sockets bind
// there, because Janus gathers no loopback candidates and a Janus on a test
// host is reached over its veth pair.
func localIPTowards(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	conn, err := net.Dial("udp4", net.JoinHostPort(u.Hostname(), "9"))
	if err != nil {
		return "", fmt.Errorf("no route to %s: %w", u.Hostname(), err)
	}
	defer conn.Close()
	return conn.LocalAddr().(*net.UDPAddr).IP.String(), nil
}

// janusFaults carries fault steps through the VideoRoom API.
type janusFaults struct{ a *janus.Admin }

var _ scenario.FaultInjector = janusFaults{}

func (j janusFaults) Inject(ctx context.Context, f scenario.Fault) error {
	room, err := faultRoom(f)
	if err != nil {
		return err
	}
	switch f.Name {
	case "kick":
		user, _ := f.Params["user"].(string)
		err = j.a.Kick(ctx, room, user)
	case "dismiss":
		err = j.a.Destroy(ctx, room)
	case "drop":
		user, _ := f.Params["user"].(string)
		err = j.a.Drop(ctx, room, user)
	case "mute_track":
		user, _ := f.Params["user"].(string)
		track, _ := f.Params["track"].(string)
		err = j.a.MuteTrack(ctx, room, user, track, true)
	default:
		err = fmt.Errorf("not supported on janus") // refused by Check before the run
	}
	if err != nil {
		return fmt.Errorf("fault %s: %w", f.Name, err)
	}
	return nil
}

// faultRoom is the Janus room of a fault's room parameter (0 when none).
func faultRoom(f scenario.Fault) (uint64, error) {
	switch v := f.Params["room"].(type) {
	case nil:
		return 0, nil
	case int64:
		return uint64(v), nil
	case string:
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			return n, nil
		}
		return 0, fmt.Errorf("fault %s: room %q: Janus rooms are numeric", f.Name, v)
	}
	return 0, fmt.Errorf("fault %s: bad room %v", f.Name, f.Params["room"])
}
