package signature

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// Seeds: every §6 vector plus near misses.
func fuzzSeeds() []string {
	return []string{tvV2bLevel6, tvV2bLevel9, tvV2bStored, tvV1a, tvV1b, d2Go, d2CZlib, d3Key, d4Key,
		"", "_", "eJ", "{}", `{"TLS.ver":"2.0"}`, `{"TLS.ver":3}`, "eAEBAAD__w__", strings.Repeat("A", 100)}
}

// knownSentinels are the only conditions a Verifier may report.
var knownSentinels = []error{ErrMalformed, ErrSDKAppIDMismatch, ErrIdentifierMismatch, ErrExpired,
	ErrUserBufTypeMismatch, ErrUserBufMismatch, ErrSigMismatch, ErrNoKey, ErrTicketExpired, ErrTicketMismatch}

func sentinelOf(err error) error {
	for _, s := range knownSentinels {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// FuzzDecode: no input panics, and every failure is a *DecodeError.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Decode(s)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, ErrMalformed) || d != nil {
				t.Fatalf("Decode error %v (%T) is not a *DecodeError / doc %v", err, err, d)
			}
			return
		}
		if d.Version != 1 && d.Version != 2 {
			t.Fatalf("version %d", d.Version)
		}
		_ = d.ExpiresAt()
		_ = d.Expired(time.Now())
	})
}

// FuzzVerifyUserSig: no input panics, every error carries one known
// sentinel, and the secret never appears in an error.
func FuzzVerifyUserSig(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s, "xiaojun", int64(dEnd))
		f.Add(s, "12345", int64(1521710256))
	}
	pub := mustFuzzKey(f)
	f.Fuzz(func(t *testing.T, sig, userID string, now int64) {
		for _, app := range []uint32{1400000000, 1234} {
			v, err := NewVerifier(app, WithKey(K), WithPublicKey(pub), WithVerifyNow(func() time.Time { return time.Unix(now, 0) }))
			if err != nil {
				t.Fatal(err)
			}
			for _, call := range []func() error{
				func() error { _, err := v.VerifyUserSig(userID, sig); return err },
				func() error { _, err := v.VerifyUserSigWithBuf(userID, sig, []byte("abc")); return err },
				func() error { _, err := v.VerifyPrivateMapKey(userID, sig); return err },
			} {
				err := call()
				if err == nil {
					continue
				}
				if sentinelOf(err) == nil {
					t.Fatalf("error %v wraps no known sentinel", err)
				}
				if strings.Contains(err.Error(), K) {
					t.Fatal("error contains the key")
				}
			}
		}
	})
}

// FuzzParseTicket: no input panics, and whatever parses and can be encoded
// again encodes to the same bytes.
func FuzzParseTicket(f *testing.F) {
	for _, h := range []string{
		"0000077869616f6a756e53724e00000027105e803bb8000000ff00000000",
		"0100077869616f6a756e53724e00000000005e803bb8000000ff00000000000a31303030303030303430",
	} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
		f.Add(b[:len(b)-1])
	}
	f.Add([]byte{})
	f.Add([]byte{2})
	f.Add([]byte{0, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		tk, err := ParseTicket(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || tk != nil {
				t.Fatalf("error %v / ticket %v", err, tk)
			}
			return
		}
		_ = tk.String()
		out, err := tk.MarshalBinary()
		if err != nil {
			return // parses leniently (e.g. a string room outside TRTC's alphabet) but is not ours to issue
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("round trip\n in %x\nout %x", b, out)
		}
	})
}

// FuzzSignVerify: whatever a Signer accepts, a Verifier with the same key
// accepts, for userSigs and privateMapKeys.
func FuzzSignVerify(f *testing.F) {
	f.Add("xiaojun", uint32(10000), "", uint32(255), int64(dTime), int64(dExpire), []byte("abc"))
	f.Add("a-b_C9", uint32(0), "room 1!", uint32(42), int64(0), int64(1), []byte(nil))
	f.Fuzz(func(t *testing.T, user string, roomID uint32, roomStr string, priv uint32, now, expire int64, buf []byte) {
		if expire <= 0 || expire > 1<<32 || now < 0 || now > 1<<40 {
			return
		}
		s, err := NewSigner(1400000000, K, WithNow(func() time.Time { return time.Unix(now, 0) }))
		if err != nil {
			t.Fatal(err)
		}
		v, err := NewVerifier(1400000000, WithKey(K), WithVerifyNow(func() time.Time { return time.Unix(now+expire, 0) }))
		if err != nil {
			t.Fatal(err)
		}
		if sig, err := s.UserSigWithBuf(user, time.Duration(expire)*time.Second, buf); err == nil {
			if _, err := v.VerifyUserSigWithBuf(user, sig, buf); err != nil {
				t.Fatalf("own userSig rejected: %v", err)
			}
		}
		room := Room{ID: roomID, Str: roomStr}
		key, err := s.PrivateMapKey(user, time.Duration(expire)*time.Second, room, Privilege(priv))
		if err != nil {
			return
		}
		tk, err := v.VerifyPrivateMapKey(user, key)
		if (now+expire) > 1<<32-1 && errors.Is(err, ErrTicketExpired) {
			return // dwExpTime is 32-bit: far-future expiries wrap, as in every official library
		}
		if err != nil {
			t.Fatalf("own privateMapKey rejected: %v", err)
		}
		if tk.Room != room || tk.Privileges != Privilege(priv) || tk.Account != user {
			t.Fatalf("ticket %v", tk)
		}
	})
}

func mustFuzzKey(f *testing.F) []byte {
	f.Helper()
	b, err := os.ReadFile("../fixtures/keys/tv-v1a.pub.pem")
	if err != nil {
		f.Fatal(err)
	}
	return b
}
