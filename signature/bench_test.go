package signature

import (
	"os"
	"testing"
	"time"
)

// The reference service verifies a userSig and a privateMapKey on every
// enter, so these bound what hundreds of bots joining at once cost.

func BenchmarkUserSig(b *testing.B) {
	s, err := NewSigner(1400000000, K)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.UserSig("xiaojun", time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyUserSig(b *testing.B) {
	v, err := NewVerifier(1400000000, WithKey(K), WithVerifyNow(func() time.Time { return time.Unix(dEnd, 0) }))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.VerifyUserSig("xiaojun", d2Go); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPrivateMapKey(b *testing.B) {
	v, err := NewVerifier(1400000000, WithKey(K), WithVerifyNow(func() time.Time { return time.Unix(dEnd, 0) }))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.VerifyPrivateMapKey("xiaojun", d3Key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyV1Secp256k1(b *testing.B) {
	pub, err := os.ReadFile("../fixtures/keys/tv-v1a.pub.pem")
	if err != nil {
		b.Fatal(err)
	}
	v, err := NewVerifier(1234, WithPublicKey(pub), WithVerifyNow(func() time.Time { return time.Unix(1521710256, 0) }))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.VerifyUserSig("12345", tvV1a); err != nil {
			b.Fatal(err)
		}
	}
}
