package signature

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

var v1KeyPairs = []struct{ priv, pub, curve string }{
	{"p256.key.pem", "p256.pub.pem", "P-256"},
	{"p256.pkcs8.pem", "p256.pub.pem", "P-256"},
	{"secp256k1.key.pem", "secp256k1.pub.pem", "secp256k1"},
	{"secp256k1.pkcs8.pem", "secp256k1.pub.pem", "secp256k1"},
}

func v1Signer(t *testing.T, privFile string, now int64) *Signer {
	t.Helper()
	priv, err := ParsePrivateKey(readKey(t, privFile))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSignerV1(1400000000, priv, WithNow(at(now)), WithCompressionLevel(6))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestV1SignVerify: each key form signs userSigs and legacy privMapEncrypt
// tickets that the matching public key verifies, with the v1 check order.
func TestV1SignVerify(t *testing.T) {
	t.Parallel()
	for _, kp := range v1KeyPairs {
		t.Run(kp.priv, func(t *testing.T) {
			t.Parallel()
			s := v1Signer(t, kp.priv, 1700000000)
			if s.Version() != 1 {
				t.Fatal("not a v1 signer")
			}
			pub := readKey(t, kp.pub)
			v := mustVerifier(t, 1400000000, WithPublicKey(pub), WithVerifyNow(at(1700000060)))
			if !strings.Contains(v.String(), kp.curve) {
				t.Fatalf("verifier %s does not name %s", v, kp.curve)
			}
			sig, err := s.UserSig("alice", time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			d, err := v.VerifyUserSig("alice", sig)
			if err != nil {
				t.Fatal(err)
			}
			if d.Version != 1 || d.LibVersion != V1LibVersion || d.AccountType != "0" || d.AppIDAt3rd != "0" {
				t.Fatalf("doc %+v", d)
			}
			key, err := s.PrivateMapKey("alice", time.Minute, Room{ID: 9}, PrivEnter)
			if err != nil {
				t.Fatal(err)
			}
			tk, err := v.VerifyPrivateMapKey("alice", key)
			if err != nil || tk.Room.ID != 9 || tk.Privileges != PrivEnter {
				t.Fatalf("ticket %v, %v", tk, err)
			}
			for _, c := range []struct {
				name string
				v    *Verifier
				id   string
				want error
			}{
				{"expired", mustVerifier(t, 1400000000, WithPublicKey(pub), WithVerifyNow(at(1700000061))), "alice", ErrExpired},
				{"identifier first", mustVerifier(t, 1, WithPublicKey(pub), WithVerifyNow(at(1700000061))), "bob", ErrIdentifierMismatch},
				{"then sdkappid", mustVerifier(t, 1, WithPublicKey(pub), WithVerifyNow(at(1700000061))), "alice", ErrSDKAppIDMismatch},
				{"wrong curve key", mustVerifier(t, 1400000000, WithPublicKey(readKey(t, "tv-v1a.pub.pem")), WithVerifyNow(at(1700000000))), "alice", ErrSigMismatch},
				{"wrong P-256 key", mustVerifier(t, 1400000000, WithPublicKey(readKey(t, "tv-v1b.pub.pem")), WithVerifyNow(at(1700000000))), "alice", ErrSigMismatch},
			} {
				if _, err := c.v.VerifyUserSig(c.id, sig); !errors.Is(err, c.want) {
					t.Errorf("%s: got %v, want %v", c.name, err, c.want)
				}
			}
		})
	}
}

// TestV1LegacyUncompressed: the oldest form, plain JSON with a
// "YYYY-MM-DDTHH:MM:SS-08:00" time, bare or base64-wrapped.
func TestV1LegacyUncompressed(t *testing.T) {
	t.Parallel()
	priv, err := ParsePrivateKey(readKey(t, "p256.key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	const when = "2018-03-22T17:16:36-08:00" // 1521767796
	tx := v1Text{appidAt3rd: "0", hasAppidAt3rd: true, accountType: "0", hasAccountType: true,
		sdkAppID: "1400000000", time: when, expire: "300"}
	digest := sha256.Sum256(v1Content(&tx, "alice", false))
	der, err := ecdsa.SignASN1(nil, priv.(*ecdsa.PrivateKey), digest[:])
	if err != nil {
		t.Fatal(err)
	}
	doc := fmt.Sprintf(`{
    "TLS.account_type": "0",
    "TLS.identifier": "alice",
    "TLS.appid_at_3rd": "0",
    "TLS.sdk_appid": "1400000000",
    "TLS.expire_after": "300",
    "TLS.version": "201512300000",
    "TLS.time": %q,
    "TLS.sig": %q
}`, when, b64(der))
	v := mustVerifier(t, 1400000000, WithPublicKey(readKey(t, "p256.pub.pem")), WithVerifyNow(at(1521767796+300)))
	for name, in := range map[string]string{
		"bare":    doc,
		"wrapped": swapEncoding.EncodeToString([]byte(doc)),
	} {
		d, err := v.VerifyUserSig("alice", in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !d.Legacy || d.Time != 1521767796 {
			t.Fatalf("%s: legacy %v time %d", name, d.Legacy, d.Time)
		}
	}
	late := mustVerifier(t, 1400000000, WithPublicKey(readKey(t, "p256.pub.pem")), WithVerifyNow(at(1521767796+301)))
	if _, err := late.VerifyUserSig("alice", doc); !errors.Is(err, ErrExpired) {
		t.Fatalf("legacy expiry: %v", err)
	}
}

// TestV1AgainstOpenSSL: OpenSSL, a second ECDSA implementation, verifies what
// we sign and signs what we verify, on both curves.
func TestV1AgainstOpenSSL(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") != "" { // CI installs it (scripts/test-deps.sh)
			t.Fatal("openssl not installed in CI: cannot cross-check v1 ECDSA")
		}
		t.Skip("openssl not installed: cannot cross-check v1 ECDSA")
	}
	for _, kp := range []struct{ priv, pub string }{{"secp256k1.key.pem", "secp256k1.pub.pem"}, {"p256.key.pem", "p256.pub.pem"}} {
		t.Run(kp.priv, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			keyDir, _ := filepath.Abs("../fixtures/keys")
			// Ours → openssl.
			sig, err := v1Signer(t, kp.priv, 1700000000).UserSig("alice", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Decode(sig)
			if err != nil {
				t.Fatal(err)
			}
			content := filepath.Join(dir, "content")
			der := filepath.Join(dir, "sig.der")
			os.WriteFile(content, v1Content(&d.v1, d.Identifier, false), 0o600)
			os.WriteFile(der, d.Sig, 0o600)
			out, err := exec.Command("openssl", "dgst", "-sha256", "-verify", filepath.Join(keyDir, kp.pub), "-signature", der, content).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "Verified OK") {
				t.Fatalf("openssl rejects our signature: %s %v", out, err)
			}
			// openssl → ours: sign the same content, splice the DER in.
			out, err = exec.Command("openssl", "dgst", "-sha256", "-sign", filepath.Join(keyDir, kp.priv), "-out", der, content).CombinedOutput()
			if err != nil {
				t.Fatalf("openssl sign: %s %v", out, err)
			}
			theirs, _ := os.ReadFile(der)
			js := strings.Replace(string(d.JSON), b64(d.Sig), b64(theirs), 1)
			v := mustVerifier(t, 1400000000, WithPublicKey(readKey(t, kp.pub)), WithVerifyNow(at(1700000000)))
			if _, err := v.VerifyUserSig("alice", swapEncoding.EncodeToString(zlibAt(t, []byte(js), 6))); err != nil {
				t.Fatalf("openssl's signature rejected: %v", err)
			}
		})
	}
}

func TestParseKeys(t *testing.T) {
	t.Parallel()
	for _, kp := range v1KeyPairs {
		priv, err := ParsePrivateKey(readKey(t, kp.priv))
		if err != nil {
			t.Fatalf("%s: %v", kp.priv, err)
		}
		pub, err := ParsePublicKey(readKey(t, kp.pub))
		if err != nil {
			t.Fatalf("%s: %v", kp.pub, err)
		}
		var derived any
		switch k := priv.(type) {
		case *ecdsa.PrivateKey:
			derived = &k.PublicKey
			if !k.PublicKey.Equal(pub) {
				t.Fatalf("%s does not match %s", kp.priv, kp.pub)
			}
		case *secp256k1.PrivateKey:
			derived = k.PubKey()
			if !k.PubKey().IsEqual(pub.(*secp256k1.PublicKey)) {
				t.Fatalf("%s does not match %s", kp.priv, kp.pub)
			}
		}
		// PEM out, PEM in, and the bare base64 body the reference quotes.
		pemBytes, err := MarshalPublicKeyPEM(derived)
		if err != nil {
			t.Fatal(err)
		}
		if string(pemBytes) != string(readKey(t, kp.pub)) {
			t.Fatalf("%s: MarshalPublicKeyPEM\n%s\nwant\n%s", kp.pub, pemBytes, readKey(t, kp.pub))
		}
		body := strings.Join(strings.Split(string(pemBytes), "\n")[1:len(strings.Split(string(pemBytes), "\n"))-2], "")
		if _, err := ParsePublicKey([]byte(body)); err != nil {
			t.Fatalf("bare base64: %v", err)
		}
	}
	for name, in := range map[string]string{
		"nothing":         "",
		"not pem":         "hello",
		"public as priv":  string(readKey(t, "p256.pub.pem")),
		"bad der":         "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
		"bad pkcs8":       "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"certificate-ish": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	} {
		_, err := ParsePrivateKey([]byte(in))
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("private %s: %v", name, err)
		}
	}
	for name, in := range map[string]string{
		"nothing":     "",
		"private pem": string(readKey(t, "p256.key.pem")),
		"bad base64":  "@@@",
		"bad der":     base64.StdEncoding.EncodeToString([]byte("nope")),
	} {
		if _, err := ParsePublicKey([]byte(in)); !errors.Is(err, ErrMalformed) {
			t.Errorf("public %s: %v", name, err)
		}
	}
}
