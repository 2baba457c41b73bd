package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/server/origin"
	"github.com/roombot/roombot/signature"
	"github.com/roombot/roombot/signature/signsvc"
)

// serveSignCommand runs the signing service until Ctrl-C.
func serveSignCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "run the signing service (POST " + signsvc.Path + ") until interrupted",
		Flags: append(keyFlags(),
			&cli.StringFlag{Name: "listen", Value: signsvc.DefaultListen, Usage: "address to listen on"},
			&cli.Int64Flag{Name: "expire", Value: int64(signsvc.DefaultExpire / time.Second), Usage: "validity of issued credentials, seconds"},
			&cli.StringFlag{Name: "privileges", Value: signsvc.DefaultPrivileges.String(), Usage: "privileges of issued privateMapKeys (names or number)"},
			&cli.StringFlag{Name: "token-file", Usage: "require this bearer token (read from the file; or $ROOMBOT_SIGN_TOKEN); without one only loopback clients are answered"},
			&cli.StringSliceFlag{Name: "allow-origin", Usage: "a browser origin (scheme://host[:port], or *) whose pages may call the service (CORS); repeatable"},
		),
		Action: func(c *cli.Context) error {
			svc, err := newCLIService(c, env)
			if err != nil {
				return withExit(ExitUsage, err)
			}
			pol, err := origin.New(c.StringSlice("allow-origin")...)
			if err != nil {
				return withExit(ExitUsage, err)
			}
			ln, err := net.Listen("tcp", c.String("listen"))
			if err != nil {
				return withExit(ExitNotCarried, fmt.Errorf("listen: %w", err))
			}
			ctx, cancel := context.WithCancel(c.Context)
			defer cancel()
			if env.Interrupt != nil {
				sigs, stop := env.Interrupt()
				watched := make(chan struct{})
				go func() { // Ctrl-C cancels ctx; owned: waited for below
					defer close(watched)
					select {
					case <-sigs:
						cancel()
					case <-ctx.Done():
					}
				}()
				defer func() { cancel(); <-watched; stop() }()
			}
			fmt.Fprintf(env.Stdout, "signing service on http://%s%s\n", ln.Addr(), signsvc.Path)
			fmt.Fprintf(env.Stderr, "roombot: signing service access: %s\n", svc.Access())
			if err := signsvc.Serve(ctx, ln, pol.CORS(svc)); err != nil {
				return withExit(ExitNotCarried, err)
			}
			return nil
		},
	}
}

func newCLIService(c *cli.Context, env Env) (*signsvc.Service, error) {
	app, err := sdkAppID(c)
	if err != nil {
		return nil, err
	}
	key, err := secretKey(c, env, true)
	if err != nil {
		return nil, err
	}
	signer, err := signature.NewSigner(app, key)
	if err != nil {
		return nil, err
	}
	p, err := signature.ParsePrivileges(c.String("privileges"))
	if err != nil {
		return nil, err
	}
	token, err := fileOrEnv(c, env, "token-file", "ROOMBOT_SIGN_TOKEN")
	if err != nil {
		return nil, err
	}
	expire, err := expireOf(c)
	if err != nil {
		return nil, err
	}
	opts := []signsvc.Option{signsvc.WithExpire(expire), signsvc.WithPrivileges(p), signsvc.WithBearerToken(token)}
	if key == server.DevSecretKey {
		opts = append(opts, signsvc.WithOpenAccess()) // published: no secret to protect
	}
	return signsvc.New(signer, opts...)
}
