package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

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
			&cli.StringFlag{Name: "token-file", Usage: "require this bearer token (read from the file; or $ROOMBOT_SIGN_TOKEN)"},
		),
		Action: func(c *cli.Context) error {
			svc, err := newCLIService(c, env)
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
			if err := signsvc.Serve(ctx, ln, svc); err != nil {
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
	token := ""
	if f := c.String("token-file"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--token-file: %w", err)
		}
		token = strings.TrimSpace(string(b))
	} else {
		token = env.getenv("ROOMBOT_SIGN_TOKEN")
	}
	return signsvc.New(signer, signsvc.WithExpire(expireOf(c)), signsvc.WithPrivileges(p), signsvc.WithBearerToken(token))
}
