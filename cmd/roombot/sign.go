package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/signature"
)

const signExamples = `
   roombot sign usersig --sdkappid 1400000000 --key-file secret.txt --userid alice --expire 86400
   roombot sign privatemapkey --sdkappid 1400000000 --userid alice --expire 3600 --room 1234 --privileges enter,recv-audio,recv-video
   roombot sign verify --sdkappid 1400000000 --userid alice "$SIG"
   roombot sign serve --sdkappid 1400000000 --listen 127.0.0.1:7080

   The secret comes from --key, --key-file or $ROOMBOT_SECRET_KEY; it is never printed.`

// signCommand issues and checks userSigs and privateMapKeys, and runs the
// signing service.
func signCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:        "sign",
		Usage:       "issue and verify userSigs and privateMapKeys; run the signing service",
		Description: "Examples:" + signExamples,
		Action:      noSubcommand,
		Subcommands: []*cli.Command{
			{
				Name: "usersig", Usage: "print a userSig (v2 HMAC, or v1 ECDSA with --private-key-file)",
				Flags: append(signerFlags(), expireFlag(),
					&cli.StringFlag{Name: "userbuf-base64", Usage: "embed this userbuf (std base64)"}),
				Action: func(c *cli.Context) error {
					s, err := newCLISigner(c, env)
					if err != nil {
						return withExit(ExitUsage, err)
					}
					buf, err := b64Flag(c, "userbuf-base64")
					if err != nil {
						return withExit(ExitUsage, err)
					}
					expire, err := expireOf(c)
					if err != nil {
						return withExit(ExitUsage, err)
					}
					sig, err := s.UserSigWithBuf(c.String("userid"), expire, buf)
					if err != nil {
						return withExit(ExitUsage, err)
					}
					_, err = fmt.Fprintln(env.Stdout, sig)
					return err
				},
			},
			{
				Name: "privatemapkey", Usage: "print a privateMapKey for a numeric or string room",
				Flags: append(signerFlags(), expireFlag(),
					&cli.Uint64Flag{Name: "room", Usage: "numeric room id (1..4294967295)"},
					&cli.StringFlag{Name: "room-str", Usage: "string room id"},
					&cli.StringFlag{Name: "privileges", Required: true,
						Usage: "names (create,enter,send-audio,recv-audio,send-video,recv-video,send-sub,recv-sub, all) or a number (255, 0xff)"}),
				Action: func(c *cli.Context) error {
					s, err := newCLISigner(c, env)
					if err != nil {
						return withExit(ExitUsage, err)
					}
					room, err := roomFlags(c)
					if err != nil {
						return withExit(ExitUsage, err)
					}
					p, err := signature.ParsePrivileges(c.String("privileges"))
					if err != nil {
						return withExit(ExitUsage, err)
					}
					expire, err := expireOf(c)
					if err != nil {
						return withExit(ExitUsage, err)
					}
					key, err := s.PrivateMapKey(c.String("userid"), expire, room, p)
					if err != nil {
						return withExit(ExitUsage, err)
					}
					_, err = fmt.Fprintln(env.Stdout, key)
					return err
				},
			},
			verifyCommand(env),
			serveSignCommand(env),
		},
	}
}

// signerFlags are shared by usersig and privatemapkey.
func signerFlags() []cli.Flag {
	return append(keyFlags(),
		&cli.StringFlag{Name: "userid", Required: true, Usage: "userID (1..32 bytes of [A-Za-z0-9_-])"},
		&cli.StringFlag{Name: "private-key-file", Usage: "sign v1 (ECDSA) with this PEM private key (P-256 or secp256k1) instead of the secret"},
		&cli.Int64Flag{Name: "now", Usage: "issue time, Unix seconds", DefaultText: "the current time"},
	)
}

// keyFlags name the app and its secret.
func keyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Uint64Flag{Name: "sdkappid", Required: true, Usage: "SDKAppID"},
		&cli.StringFlag{Name: "key", Usage: "the app's secret key (prefer --key-file or $ROOMBOT_SECRET_KEY)"},
		&cli.StringFlag{Name: "key-file", Usage: "read the secret key from this file"},
	}
}

func expireFlag() cli.Flag {
	return &cli.Int64Flag{Name: "expire", Required: true, Usage: "validity in seconds"}
}

// expireOf is --expire, checked against 1..signature.MaxExpire.
func expireOf(c *cli.Context) (time.Duration, error) {
	e := c.Int64("expire")
	if max := int64(signature.MaxExpire / time.Second); e < 1 || e > max {
		return 0, fmt.Errorf("--expire %d: want 1..%d seconds (the official libraries' range, about 68 years)", e, max)
	}
	return time.Duration(e) * time.Second, nil
}

func sdkAppID(c *cli.Context) (uint32, error) {
	n := c.Uint64("sdkappid")
	if n < 1 || n > math.MaxUint32 {
		return 0, fmt.Errorf("--sdkappid %d: want 1..4294967295", n)
	}
	return uint32(n), nil
}

// secretKey takes --key, --key-file or $ROOMBOT_SECRET_KEY, in that order.
// required=false lets verify run with only a public key.
func secretKey(c *cli.Context, env Env, required bool) (string, error) {
	if c.IsSet("key") && c.IsSet("key-file") {
		return "", errors.New("--key and --key-file both given, want one")
	}
	if k := c.String("key"); k != "" {
		return k, nil
	}
	if f := c.String("key-file"); f != "" {
		return readSecretFile("--key-file", f)
	}
	if k := env.getenv(SecretEnv); k != "" {
		return k, nil
	}
	if required {
		return "", errors.New("no secret key: give --key, --key-file or $ROOMBOT_SECRET_KEY")
	}
	return "", nil
}

// newCLISigner builds a v2 signer, or a v1 one with --private-key-file.
func newCLISigner(c *cli.Context, env Env) (*signature.Signer, error) {
	app, err := sdkAppID(c)
	if err != nil {
		return nil, err
	}
	var opts []signature.Option
	if c.IsSet("now") {
		now := c.Int64("now")
		opts = append(opts, signature.WithNow(func() time.Time { return time.Unix(now, 0) }))
	}
	if f := c.String("private-key-file"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--private-key-file: %w", err)
		}
		priv, err := signature.ParsePrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("--private-key-file %s: %w", f, err)
		}
		return signature.NewSignerV1(app, priv, opts...)
	}
	key, err := secretKey(c, env, true)
	if err != nil {
		return nil, err
	}
	return signature.NewSigner(app, key, opts...)
}

func roomFlags(c *cli.Context) (signature.Room, error) {
	switch {
	case c.IsSet("room") && c.IsSet("room-str"):
		return signature.Room{}, errors.New("--room and --room-str both given, want one")
	case c.IsSet("room"):
		n := c.Uint64("room")
		if n < 1 || n > math.MaxUint32 {
			return signature.Room{}, fmt.Errorf("--room %d: want 1..4294967295", n)
		}
		return signature.Room{ID: uint32(n)}, nil
	case c.IsSet("room-str"):
		r := signature.Room{Str: c.String("room-str")}
		return r, r.Validate()
	}
	return signature.Room{}, errors.New("give --room N or --room-str S")
}

func b64Flag(c *cli.Context, name string) ([]byte, error) {
	s := c.String(name)
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("--%s: not standard base64: %v", name, err)
	}
	return b, nil
}

// printJSON writes v indented; used by verify.
func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
