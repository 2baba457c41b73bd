package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signature"
	"github.com/roombot/roombot/signature/signsvc"
)

const serveExamples = `
   roombot serve                                   # dev app 1400000001, loopback, random port
   roombot serve --listen 127.0.0.1:7880 --sdkappid 1400000000 --secret-key-file key.txt --sign-token-file sign.txt
   roombot serve --sdkappid 1400000000 --room-permissions --max-members 50   # key from $ROOMBOT_SECRET_KEY
   roombot serve --allow-origin http://127.0.0.1:5173   # a web page served elsewhere may use /ws and /api/sign
   roombot serve --config rooms.yaml               # several apps, see docs/admin.md

   roombot serve --template ./my-template          # the web room at / in a custom template (docs/web.md)

   Endpoints: / (the web room page, docs/web.md), /ws (signaling, docs/protocol.md), POST /api/sign, GET /healthz,
   GET /metrics, /admin/... (Authorization: Bearer <token>, docs/admin.md). Browsers: same origin, or --allow-origin.
   /api/sign of a real app wants --sign-token-file (or $ROOMBOT_SIGN_TOKEN); without one it answers
   loopback clients only. Secrets and tokens are never printed.`

// serveCommand runs the reference room service until interrupted.
func serveCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:        "serve",
		Usage:       "run the reference room service (signaling, SFU, signing, metrics, admin/fault API)",
		Description: "Examples:" + serveExamples,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: server.DefaultListen, Usage: "HTTP/WebSocket address"},
			&cli.StringFlag{Name: "media-addr", Value: server.DefaultMediaAddr, Usage: "ICE UDP address (one socket for all peers)"},
			&cli.StringSliceFlag{Name: "public-ip", Usage: "announce this IP in host candidates (NAT 1:1), for use beyond loopback"},
			&cli.Uint64Flag{Name: "sdkappid", Value: uint64(server.DefaultSDKAppID), Usage: "SDKAppID of the app"},
			&cli.StringFlag{Name: "secret-key", Usage: "the app's secret key (prefer --secret-key-file or $ROOMBOT_SECRET_KEY; default: the published dev key)"},
			&cli.StringFlag{Name: "secret-key-file", Usage: "read the app's secret key from this file"},
			&cli.StringFlag{Name: "sign-token-file", Usage: "POST /api/sign requires this bearer token (read from the file; or $ROOMBOT_SIGN_TOKEN)"},
			&cli.DurationFlag{Name: "sign-expire", Value: server.DefaultSignExpire, Usage: "lifetime of the credentials /api/sign issues (1s..~68 years)"},
			&cli.StringFlag{Name: "sign-privileges", Value: signsvc.DefaultPrivileges.String(), Usage: "privileges of the privateMapKeys /api/sign issues (names or number)"},
			&cli.BoolFlag{Name: "no-sign", Usage: "turn POST /api/sign off"},
			&cli.StringSliceFlag{Name: "allow-origin", Usage: "a browser origin (scheme://host[:port], or *) that may use /ws and /api/sign besides the service's own; repeatable"},
			&cli.BoolFlag{Name: "room-permissions", Usage: "require privateMapKeys (permission key switch on)"},
			&cli.IntFlag{Name: "max-members", Value: server.DefaultMaxMembers, Usage: "member limit per room"},
			&cli.StringFlag{Name: "config", Usage: "YAML or JSON file with apps and addresses (docs/admin.md)"},
			&cli.StringFlag{Name: "admin-token", Usage: "admin API bearer token (or $ROOMBOT_ADMIN_TOKEN; random and printed when unset)"},
			&cli.StringFlag{Name: "log-level", Value: "info", Usage: "debug, info, warn or error"},
			&cli.StringFlag{Name: "template", Usage: "custom web room template directory (template.html + template.css, docs/web.md)"},
		},
		Action: func(c *cli.Context) error {
			cfg, generatedToken, err := serveConfig(c, env)
			if err != nil {
				return withExit(ExitUsage, err)
			}
			ctx, cancel := context.WithCancel(c.Context)
			defer cancel()
			srv, err := server.Start(ctx, cfg)
			if err != nil {
				if errors.Is(err, server.ErrConfig) {
					return withExit(ExitUsage, err)
				}
				return withExit(ExitNotCarried, err)
			}
			fmt.Fprintf(env.Stdout, "room service on %s (signaling %s, media udp %s)\n", srv.URL(), srv.SignalURL(), srv.MediaAddr())
			fmt.Fprintf(env.Stdout, "web room: %s/\n", srv.URL())
			if generatedToken {
				fmt.Fprintf(env.Stdout, "admin token: %s\n", srv.AdminToken())
			}
			if env.Interrupt != nil {
				sigs, stop := env.Interrupt()
				defer stop()
				select {
				case <-sigs:
				case <-ctx.Done():
				}
			} else {
				<-ctx.Done()
			}
			return withExit(ExitNotCarried, srv.Close())
		},
	}
}

// serveConfig turns flags, environment and the config file into a server.Config.
func serveConfig(c *cli.Context, env Env) (server.Config, bool, error) {
	getenv := env.getenv
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.String("log-level"))); err != nil {
		return server.Config{}, false, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.String("log-level"))
	}
	cfg := server.Config{
		Listen: c.String("listen"), MediaAddr: c.String("media-addr"), PublicIPs: c.StringSlice("public-ip"),
		AdminToken: c.String("admin-token"), AllowOrigins: c.StringSlice("allow-origin"),
		WebTemplate: c.String("template"),
		SignExpire:  c.Duration("sign-expire"), SignDisabled: c.Bool("no-sign"),
		Logger: slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level})),
	}
	if d := cfg.SignExpire; d < time.Second || d > signature.MaxExpire {
		return cfg, false, fmt.Errorf("--sign-expire %v: want 1s..%v (the official libraries' range)", d, signature.MaxExpire)
	}
	p, err := signature.ParsePrivileges(c.String("sign-privileges"))
	if err != nil {
		return cfg, false, fmt.Errorf("--sign-privileges: %w", err)
	}
	if p == 0 { // server.Config's 0 means all: "none" must not become that
		return cfg, false, fmt.Errorf("--sign-privileges %q grants nothing: use --no-sign to turn signing off", c.String("sign-privileges"))
	}
	cfg.SignPrivileges = p
	if cfg.SignToken, err = fileOrEnv(c, env, "sign-token-file", "ROOMBOT_SIGN_TOKEN"); err != nil {
		return cfg, false, err
	}
	if cfg.AdminToken == "" {
		cfg.AdminToken = getenv("ROOMBOT_ADMIN_TOKEN")
	}
	appID := c.Uint64("sdkappid")
	if appID == 0 || appID > 1<<32-1 {
		return cfg, false, fmt.Errorf("--sdkappid %d: want 1..4294967295", appID)
	}
	envKey := getenv(SecretEnv)
	if c.IsSet("secret-key") && c.IsSet("secret-key-file") {
		return cfg, false, errors.New("--secret-key and --secret-key-file both given, want one")
	}
	key := c.String("secret-key")
	if f := c.String("secret-key-file"); f != "" {
		if key, err = readSecretFile("--secret-key-file", f); err != nil {
			return cfg, false, err
		}
	}
	if key == "" {
		key = envKey
	}
	if key == "" && uint32(appID) == server.DefaultSDKAppID {
		key = server.DevSecretKey
	}
	if f := c.String("config"); f != "" {
		fc, err := server.LoadConfigFile(f)
		if err != nil {
			return cfg, false, err
		}
		fc.Apply(&cfg)
	}
	// The flags' app is used when asked for explicitly, or when the config
	// file names no app (then the dev app is the default).
	explicit := c.IsSet("sdkappid") || c.IsSet("secret-key") || c.IsSet("secret-key-file") || envKey != ""
	if explicit || len(cfg.Apps) == 0 {
		if key == "" {
			return cfg, false, fmt.Errorf("--sdkappid %d needs --secret-key or $ROOMBOT_SECRET_KEY", appID)
		}
		cfg.Apps = append([]server.AppConfig{{SDKAppID: uint32(appID), SecretKey: key,
			RoomPermissions: c.Bool("room-permissions"), MaxMembers: c.Int("max-members")}}, cfg.Apps...)
	}
	return cfg, strings.TrimSpace(cfg.AdminToken) == "", nil
}
