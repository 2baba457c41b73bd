package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/signature"
)

// verifyReport is what `roombot sign verify` prints: the document as decoded,
// the ticket of a privateMapKey, and the verdict.
type verifyReport struct {
	Version   int             `json:"version,omitempty"`
	Kind      string          `json:"kind"` // "userSig", "privateMapKey" or "unknown"
	Document  jsonText        `json:"document,omitempty"`
	Issued    string          `json:"issued,omitempty"`
	ValidTill string          `json:"validThrough,omitempty"`
	Legacy    bool            `json:"legacyUncompressed,omitempty"`
	UserBuf   *userBufSummary `json:"userbuf,omitempty"`
	Ticket    *ticketReport   `json:"ticket,omitempty"`
	Valid     bool            `json:"valid"`
	Reason    string          `json:"reason,omitempty"`
}

type ticketReport struct {
	Account        string `json:"account"`
	SDKAppID       uint32 `json:"sdkAppID"`
	RoomID         uint32 `json:"roomID,omitempty"`
	StrRoomID      string `json:"strRoomID,omitempty"`
	Expires        string `json:"expires"`
	Privileges     uint32 `json:"privileges"`
	PrivilegeNames string `json:"privilegeNames"`
}

type userBufSummary struct {
	Bytes    int  `json:"bytes"`
	Compared bool `json:"compared"`
}

// jsonText embeds already-valid JSON as is.
type jsonText []byte

func (j jsonText) MarshalJSON() ([]byte, error) { return j, nil }

func verifyCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "decode and check a userSig or privateMapKey (exit 0 valid, 1 not)",
		ArgsUsage: "SIG (or - to read it from stdin)",
		Flags: append(keyFlags(),
			&cli.StringFlag{Name: "public-key-file", Usage: "PEM public key for v1 (ECDSA) signatures"},
			&cli.StringFlag{Name: "userid", Required: true, Usage: "the userID the signature must be for"},
			&cli.StringFlag{Name: "userbuf-base64", Usage: "require exactly this userbuf (std base64)"},
			&cli.Int64Flag{Name: "now", Usage: "judge expiry at this Unix time", DefaultText: "the current time"},
		),
		Action: func(c *cli.Context) error {
			v, err := newCLIVerifier(c, env)
			if err != nil {
				return withExit(ExitUsage, err)
			}
			sig, err := sigArg(c, env)
			if err != nil {
				return withExit(ExitUsage, err)
			}
			want, err := b64Flag(c, "userbuf-base64")
			if err != nil {
				return withExit(ExitUsage, err)
			}
			rep, verr := verify(v, c.String("userid"), sig, want)
			if err := printJSON(env.Stdout, rep); err != nil {
				return withExit(ExitNotCarried, err)
			}
			return withExit(ExitFailed, verr)
		},
	}
}

// verify picks the check from the document: a userbuf that parses as a
// ticket makes a privateMapKey, any other userbuf is checked for presence
// (or against --userbuf-base64), none makes a plain userSig.
func verify(v *signature.Verifier, userID, sig string, want []byte) (*verifyReport, error) {
	rep := &verifyReport{Kind: "unknown"}
	d, err := signature.Decode(sig)
	if err != nil {
		rep.Reason = err.Error()
		return rep, err
	}
	rep.Version, rep.Document, rep.Legacy = d.Version, jsonText(strings.TrimSpace(string(d.JSON))), d.Legacy
	rep.Issued = time.Unix(d.Time, 0).UTC().Format(time.RFC3339)
	rep.ValidTill = d.ExpiresAt().Format(time.RFC3339)
	rep.Kind = "userSig"
	if d.UserBuf != nil {
		rep.UserBuf = &userBufSummary{Bytes: len(d.UserBuf), Compared: want != nil}
	}
	t, ticketErr := signature.ParseTicket(d.UserBuf)
	if ticketErr == nil {
		// Shown even when a check fails: it says what the key was for.
		rep.Ticket = &ticketReport{Account: t.Account, SDKAppID: t.SDKAppID, RoomID: t.Room.ID, StrRoomID: t.Room.Str,
			Expires: t.Expires.UTC().Format(time.RFC3339), Privileges: uint32(t.Privileges), PrivilegeNames: t.Privileges.String()}
	}
	switch {
	case want != nil || d.UserBuf == nil:
		_, err = v.VerifyUserSigWithBuf(userID, sig, want)
	case ticketErr == nil:
		rep.Kind = "privateMapKey"
		_, err = v.VerifyPrivateMapKey(userID, sig)
	default:
		_, err = v.VerifyUserSigWithBuf(userID, sig, d.UserBuf) // presence only: the buffer is its own reference
	}
	if err != nil {
		rep.Reason = err.Error()
		return rep, err
	}
	rep.Valid = true
	return rep, nil
}

func newCLIVerifier(c *cli.Context, env Env) (*signature.Verifier, error) {
	app, err := sdkAppID(c)
	if err != nil {
		return nil, err
	}
	var opts []signature.VerifierOption
	if c.IsSet("now") {
		now := c.Int64("now")
		opts = append(opts, signature.WithVerifyNow(func() time.Time { return time.Unix(now, 0) }))
	}
	if f := c.String("public-key-file"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--public-key-file: %w", err)
		}
		opts = append(opts, signature.WithPublicKey(b))
	}
	key, err := secretKey(c, env, !c.IsSet("public-key-file"))
	if err != nil {
		return nil, err
	}
	if key != "" {
		opts = append(opts, signature.WithKey(key))
	}
	return signature.NewVerifier(app, opts...)
}

// sigArg is the single positional argument, or stdin for "-".
func sigArg(c *cli.Context, env Env) (string, error) {
	if c.NArg() != 1 {
		return "", fmt.Errorf("want exactly one SIG argument, got %d", c.NArg())
	}
	s := c.Args().First()
	if s != "-" {
		return s, nil
	}
	if env.Stdin == nil {
		return "", errors.New("SIG is -, but there is no stdin")
	}
	b, err := io.ReadAll(io.LimitReader(env.Stdin, signature.MaxEncodedLen+1))
	if err != nil {
		return "", fmt.Errorf("reading SIG from stdin: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
