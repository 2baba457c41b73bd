package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signaling/native"
)

const joinExamples = `
   roombot join --room 1234 --userid alice                          # embedded reference service, dev app
   roombot join --server http://127.0.0.1:7880 --room 1234 --userid bob --json       # dev app, its published key
   ROOMBOT_SECRET_KEY=... roombot join --server http://127.0.0.1:7880 --sdkappid 1400000000 --room 1234
   roombot join --room 1234 --im-every 2s --im-text "hello {n}"   # send group text every 2 s
   roombot join --sign-url http://127.0.0.1:7880/api/sign --server http://127.0.0.1:7880 --room 1234 --duration 30s
   LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=… roombot join --target livekit=ws://127.0.0.1:7880 --room 1234 --userid carol

   Ctrl-C (or the end of --duration) leaves the room and exits 0; exit 3 when the bot could not enter.
   With --json every line is one JSON object (docs/events.md).`

// joinCommand runs one bot in a room and prints its events and stats live.
func joinCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:        "join",
		Usage:       "join a room as one bot and print its events and stats",
		Description: "Examples:" + joinExamples,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "target", Usage: "KIND=URL: the server to join (livekit=ws://…, native=ws://…/ws); --server is native's shorthand"},
			&cli.StringFlag{Name: "server", Usage: "room service URL (http://host:port or ws://host:port/ws); empty starts the embedded one"},
			&cli.UintFlag{Name: "sdkappid", Value: uint(server.DefaultSDKAppID), Usage: "sdkAppID"},
			&cli.StringFlag{Name: "secret-key", Usage: "sign locally with this secret (or $ROOMBOT_SECRET_KEY; for the dev app 1400000001 its published key by default)"},
			&cli.StringFlag{Name: "sign-url", Usage: "get credentials from this signing service (POST /api/sign)"},
			&cli.StringFlag{Name: "usersig", Usage: "use this userSig as is"},
			&cli.StringFlag{Name: "privatemapkey", Usage: "use this privateMapKey as is"},
			&cli.UintFlag{Name: "room", Usage: "numeric room ID (1..4294967295)"},
			&cli.StringFlag{Name: "str-room", Usage: "string room ID"},
			&cli.StringFlag{Name: "userid", Usage: "userID (the signing service may choose one)"},
			&cli.DurationFlag{Name: "duration", Usage: "leave after this long (0: until Ctrl-C)"},
			&cli.BoolFlag{Name: "json", Usage: "one JSON object per line"},
			&cli.BoolFlag{Name: "muted", Usage: "start with the microphone muted"},
			&cli.BoolFlag{Name: "enable-camera", Value: true, Usage: "camera on (--enable-camera=false to start with it off)"},
			&cli.IntFlag{Name: "beauty", Usage: "beauty 0..9"},
			&cli.BoolFlag{Name: "debug", Usage: "log signaling and media details to stderr"},
			&cli.BoolFlag{Name: "enable-im", Usage: "join the room's IM group"},
			&cli.IntFlag{Name: "recvmode", Value: int(bot.DefaultRecvMode), Usage: "1 audio+video, 2 audio, 3 video, 4 none"},
			&cli.BoolFlag{Name: "autoplay", Usage: "the component's autoplay property"},
			&cli.StringFlag{Name: "role", Value: string(bot.DefaultRole), Usage: "anchor (publishes) or audience"},
			&cli.StringFlag{Name: "codec", Value: bot.DefaultCodec, Usage: "vp8 or h264"},
			&cli.StringFlag{Name: "resolution", Value: bot.DefaultResolution, Usage: "180p, 360p or 720p"},
			&cli.StringFlag{Name: "camera", Value: bot.DefaultCamera, Usage: "front or back"},
			&cli.BoolFlag{Name: "live", Usage: "encode a synthetic source in real time (binary built with -tags live)"},
			&cli.IntFlag{Name: "max-members", Usage: "the component's slot count: a longer member list raises -8 (0: off)"},
			&cli.StringFlag{Name: "sign-token", Usage: "bearer token of the signing service (or $ROOMBOT_SIGN_TOKEN)"},
			&cli.DurationFlag{Name: "im-every", Usage: "send an IM message this often (implies --enable-im; 0: never)"},
			&cli.StringFlag{Name: "im-text", Value: defaultIMText, Usage: "text of --im-every messages; {n} is the message number, {userid} the bot's userID"},
			&cli.StringFlag{Name: "im-to", Usage: "send --im-every messages to this user (C2C) instead of the room's group"},
		},
		Action: func(c *cli.Context) error {
			bot.ApplyGCPercent() // GOGC 50 unless set (bot.DefaultGCPercent)
			return runJoin(c, env)
		},
	}
}

func runJoin(c *cli.Context, env Env) error {
	cfg := bot.Config{
		SDKAppID: uint32(c.Uint("sdkappid")), UserID: c.String("userid"), UserSig: c.String("usersig"),
		PrivateMapKey: c.String("privatemapkey"), RoomID: uint32(c.Uint("room")), StrRoomID: c.String("str-room"),
		SecretKey: c.String("secret-key"), SignURL: c.String("sign-url"),
		Muted: c.Bool("muted"), CameraOff: !c.Bool("enable-camera"), Beauty: c.Int("beauty"), Debug: c.Bool("debug"),
		EnableIM: c.Bool("enable-im") || c.Duration("im-every") > 0, RecvMode: signaling.RecvMode(c.Int("recvmode")), Autoplay: c.Bool("autoplay"),
		Role: signaling.Role(c.String("role")), MaxMembers: c.Int("max-members"), SignToken: c.String("sign-token"),
		Media: bot.MediaConfig{Codec: c.String("codec"), Resolution: c.String("resolution"), Camera: c.String("camera"),
			Live: c.Bool("live")},
	}
	if cfg.SignToken == "" {
		cfg.SignToken = env.getenv("ROOMBOT_SIGN_TOKEN")
	}
	if cfg.SecretKey == "" {
		cfg.SecretKey = env.getenv(SecretEnv)
	}
	if c.Uint("room") > 1<<32-1 {
		return withExit(ExitUsage, fmt.Errorf("join: --room %d is out of 1..4294967295", c.Uint("room")))
	}
	ctx, cancel := context.WithCancel(c.Context)
	defer cancel()

	level := slog.LevelWarn
	if cfg.Debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
	serverURL := c.String("server")
	tg, err := joinTarget(ctx, env, c.String("target"), &serverURL, &cfg, logger)
	if err != nil {
		return err
	}
	var driver signaling.Driver
	if tg != nil {
		defer tg.Close()
		driver = tg.Driver
	}
	signalURL, err := signalURLOf(serverURL)
	if err != nil {
		return withExit(ExitUsage, err)
	}
	if driver == nil && signalURL == "" { // the embedded reference service, dev app
		srv, err := server.Start(ctx, server.Config{Logger: slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
		if err != nil {
			return withExit(ExitNotCarried, fmt.Errorf("join: embedded service: %w", err))
		}
		defer srv.Close()
		signalURL = srv.SignalURL()
	}
	// The dev app signs with its published key, against any server: the
	// default the help promises (a real app needs a secret or a signer).
	if cfg.SecretKey == "" && cfg.UserSig == "" && cfg.SignURL == "" && cfg.SDKAppID == server.DefaultSDKAppID {
		cfg.SecretKey = server.DevSecretKey
	}
	if c.Duration("im-every") < 0 {
		return withExit(ExitUsage, fmt.Errorf("join: --im-every %v is negative", c.Duration("im-every")))
	}
	if err := cfg.Validate(); err != nil {
		return withExit(ExitUsage, err)
	}
	var hostOpts []bot.HostOption
	if tg != nil && tg.ListenIP != "" {
		hostOpts = append(hostOpts, bot.WithListenIP(tg.ListenIP))
	}
	host, err := bot.NewHost(hostOpts...)
	if err != nil {
		return withExit(ExitNotCarried, err)
	}
	defer host.Close()
	out := &lineSink{w: env.Stdout, json: c.Bool("json")}
	if driver == nil {
		driver = native.New(signalURL, native.WithLogger(logger))
	}
	b, err := bot.New(cfg, bot.WithDriver(driver), bot.WithSink(out),
		bot.WithHost(host), bot.WithLogger(logger))
	if err != nil {
		return withExit(ExitUsage, err)
	}
	// The first Ctrl-C leaves cleanly, a second one abandons the goodbye.
	leaveCtx, hangUp := context.WithCancel(context.Background())
	defer hangUp()
	if env.Interrupt != nil {
		sig, release := env.Interrupt()
		defer release()
		watched := make(chan struct{})
		done := make(chan struct{})
		defer func() { close(done); <-watched }()
		go func() {
			defer close(watched)
			for _, f := range []func(){cancel, hangUp} {
				select {
				case <-sig:
					f()
				case <-done:
					return
				}
			}
		}()
	}
	if err := b.Start(ctx); err != nil {
		_ = b.Stop(context.Background())
		if ctx.Err() != nil && c.Context.Err() == nil && signaling.CodeOf(err) == 0 {
			return nil // interrupted while entering
		}
		return withExit(ExitNotCarried, err)
	}
	stopIM := startIM(ctx, b, imConfig{every: c.Duration("im-every"), text: c.String("im-text"), to: c.String("im-to")})
	defer stopIM()
	var timeout <-chan time.Time
	if d := c.Duration("duration"); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
	case <-timeout:
	case <-b.Done():
	}
	stopIM()
	leave, cancelLeave := context.WithTimeout(leaveCtx, 5*time.Second)
	defer cancelLeave()
	if err := b.Stop(leave); err != nil {
		return withExit(ExitFailed, err)
	}
	return nil
}

// signalURLOf turns --server into the native protocol's WebSocket URL:
// http(s)://host[:port] becomes ws(s)://host[:port]/ws; ws(s) URLs pass.
func signalURLOf(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("join: --server %q is not a URL", s)
	}
	switch u.Scheme {
	case "ws", "wss":
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("join: --server %q: scheme must be http, https, ws or wss", s)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/ws"
	}
	return u.String(), nil
}

// lineSink prints events and samples as they come, one per line.
type lineSink struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
}

func (s *lineSink) WriteEvent(e reports.Event) {
	if s.json {
		s.writeJSON(e)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %-5s %-14s", e.Time.Format("15:04:05.000"), e.Kind, e.Event)
	if e.Code != 0 {
		fmt.Fprintf(&b, " code=%d", e.Code)
	}
	if e.Remote != "" {
		fmt.Fprintf(&b, " remote=%s", e.Remote)
	}
	if e.Track != "" {
		fmt.Fprintf(&b, " track=%s", e.Track)
	}
	if e.Value != 0 {
		fmt.Fprintf(&b, " value=%.0f", e.Value)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, " %q", e.Message)
	}
	s.line(b.String())
}

func (s *lineSink) WriteSample(x reports.Sample) {
	if s.json {
		s.writeJSON(x)
		return
	}
	opt := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprintf("%.1f", *p)
	}
	s.line(fmt.Sprintf("%s stats tx=%.0fkbps rx=%.0fkbps loss=%.1f%% rtt=%sms jitter=%sms fps=%.0f freezes=%d e2e=%sms",
		x.Time.Format("15:04:05.000"), x.TxKbps, x.RxKbps, x.RxLossPct, opt(x.RTTMs), opt(x.JitterMs), x.FPS, x.Freezes, opt(x.E2EMs)))
}

func (s *lineSink) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"kind":"run","event":"error","msg":%q}`, err.Error()))
	}
	s.line(string(b))
}

func (s *lineSink) line(l string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = io.WriteString(s.w, l+"\n")
}

var _ reports.Sink = (*lineSink)(nil)
