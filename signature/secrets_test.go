package signature

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestSecretNeverPrinted: no fmt verb on a Signer or Verifier, and no error
// from signing or verifying, shows the key (as text or as bytes).
func TestSecretNeverPrinted(t *testing.T) {
	t.Parallel()
	const secret = "S3cr3t-Key-Do-Not-Print"
	s := mustSigner(t, 1400000000, secret, WithNow(at(dTime)))
	v := mustVerifier(t, 1400000000, WithKey(secret), WithVerifyNow(at(dTime)))
	asBytes := fmt.Sprint([]byte(secret)[:6]) // "[83 51 99 ..." prefix of a byte dump
	asBytes = asBytes[:len(asBytes)-1]
	asHex := fmt.Sprintf("%x", secret[:6])
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		outputs = append(outputs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, *s), fmt.Sprintf(verb, v), fmt.Sprintf(verb, *v))
	}
	sig, _ := s.UserSig("alice", time.Hour)
	for _, call := range []func() error{
		func() error { _, err := s.UserSig("bad id", time.Hour); return err },
		func() error { _, err := s.UserSig("alice", 0); return err },
		func() error { _, err := s.PrivateMapKey("alice", time.Hour, Room{}, PrivAll); return err },
		func() error { _, err := v.VerifyUserSig("bob", sig); return err },
		func() error { _, err := v.VerifyUserSigWithBuf("alice", sig, []byte{1}); return err },
		func() error {
			_, err := mustVerifier(t, 1400000000, WithKey(secret+"x"), WithVerifyNow(at(dTime))).VerifyUserSig("alice", sig)
			return err
		},
		func() error { _, err := v.VerifyPrivateMapKey("alice", sig); return err },
		func() error { _, err := v.VerifyUserSig("alice", "garbage"); return err },
	} {
		err := call()
		if err == nil {
			t.Fatal("expected an error")
		}
		outputs = append(outputs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}
	for _, o := range outputs {
		if strings.Contains(o, secret) || strings.Contains(o, asBytes) || strings.Contains(o, asHex) {
			t.Fatalf("secret leaked in %q", o)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", s), "1400000000") {
		t.Fatalf("String lost its useful part: %v", s)
	}
}

func TestConstructorsValidate(t *testing.T) {
	t.Parallel()
	for name, err := range map[string]error{
		"empty key":        func() error { _, err := NewSigner(1, ""); return err }(),
		"app 0":            func() error { _, err := NewSigner(0, "k"); return err }(),
		"nil clock":        func() error { _, err := NewSigner(1, "k", WithNow(nil)); return err }(),
		"level 10":         func() error { _, err := NewSigner(1, "k", WithCompressionLevel(10)); return err }(),
		"v1 wrong type":    func() error { _, err := NewSignerV1(1, "not a key"); return err }(),
		"verifier no key":  func() error { _, err := NewVerifier(1); return err }(),
		"verifier empty":   func() error { _, err := NewVerifier(1, WithKey("")); return err }(),
		"verifier bad pub": func() error { _, err := NewVerifier(1, WithPublicKey(42)); return err }(),
		"verifier nil now": func() error { _, err := NewVerifier(1, WithKey("k"), WithVerifyNow(nil)); return err }(),
	} {
		if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	s := mustSigner(t, 1, "k")
	for name, err := range map[string]error{
		"expire below 1s": func() error { _, err := s.UserSig("a", 999*time.Millisecond); return err }(),
		"negative expire": func() error { _, err := s.UserSig("a", -time.Hour); return err }(),
		"empty user":      func() error { _, err := s.UserSig("", time.Hour); return err }(),
		"room both":       func() error { _, err := s.PrivateMapKey("a", time.Hour, Room{ID: 1, Str: "x"}, 1); return err }(),
		"room none":       func() error { _, err := s.PrivateMapKey("a", time.Hour, Room{}, 1); return err }(),
	} {
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}
