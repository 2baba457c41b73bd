package server

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/roombot/roombot/codes"
	"github.com/roombot/roombot/signaling"
	"github.com/roombot/roombot/signature"
)

// v1Signer signs v1 (ECDSA) userSigs with a private key of fixtures/keys.
func v1Signer(t *testing.T, app uint32, keyFile string, opts ...signature.Option) *signature.Signer {
	t.Helper()
	pemBytes, err := os.ReadFile(filepath.Join("..", "fixtures", "keys", keyFile))
	if err != nil {
		t.Fatal(err)
	}
	priv, err := signature.ParsePrivateKey(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signature.NewSignerV1(app, priv, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readKey(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "fixtures", "keys", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAuthV1: apps configured with a v1 public key (Tencent console keys are
// secp256k1; the Go and Python examples use P-256) accept v1 userSigs made
// with the matching private key and refuse every other.
func TestAuthV1(t *testing.T) {
	const k1App, p256App uint32 = 1400000011, 1400000012
	s := startServer(t, Config{Apps: []AppConfig{
		{SDKAppID: k1App, PublicKey: readKey(t, "secp256k1.pub.pem")},
		{SDKAppID: p256App, PublicKey: readKey(t, "p256.pub.pem")},
	}})
	k1 := v1Signer(t, k1App, "secp256k1.key.pem")
	k1PKCS8 := v1Signer(t, k1App, "secp256k1.pkcs8.pem")
	p256 := v1Signer(t, p256App, "p256.key.pem")
	wrongCurve := v1Signer(t, k1App, "p256.key.pem")
	past := v1Signer(t, k1App, "secp256k1.key.pem", signature.WithNow(func() time.Time { return time.Now().Add(-48 * time.Hour) }))
	hmac := signer(t, k1App, "an-hmac-key")

	cases := []struct {
		name string
		o    joinOpts
		want int
	}{
		{"secp256k1 SEC1", joinOpts{app: k1App, room: 9, sig: sig(t, k1, "v1user")}, 0},
		{"secp256k1 PKCS#8", joinOpts{app: k1App, room: 9, sig: sig(t, k1PKCS8, "v1user")}, 0},
		{"P-256", joinOpts{app: p256App, room: 9, sig: sig(t, p256, "v1user")}, 0},
		{"signed with another key", joinOpts{app: k1App, room: 9, sig: sig(t, wrongCurve, "v1user")}, codes.ErrServerUserSigCheck},
		{"expired", joinOpts{app: k1App, room: 9, sig: sig(t, past, "v1user")}, codes.ErrSigExpired},
		{"wrong user", joinOpts{app: k1App, room: 9, sig: sig(t, k1, "other")}, codes.ErrSigIdentifierMismatch},
		{"v2 for a v1-only app", joinOpts{app: k1App, room: 9, sig: sig(t, hmac, "v1user")}, codes.ErrServerUserSigCheck},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sess, err := join(t, s, "v1user", c.o)
			if got := signaling.CodeOf(err); got != c.want {
				t.Fatalf("code %d (%v), want %d", got, err, c.want)
			}
			if err == nil {
				_ = sess.sess.Leave(t.Context())
			}
		})
	}
}
