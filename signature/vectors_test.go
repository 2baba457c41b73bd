package signature

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"testing"
	"time"
)

// Reference §6 vectors. K is the demo key of every v2 repository.
const K = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"

const (
	tvV2bLevel6 = `eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQLFTU1NjZAlSjJzwcJmlpaGBkZIEsWZ6UCTk1yzzF0DvFP93TP0XaK0fVLLnP0isoKLfErSs7K0c5wtXFMMSjOLvCIiQ22VagHjLDB3`
	tvV2bLevel9 = `eNqrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQLFTU1NjZAlSjJzwcJmlpaGBkZIEqXFqUVJpWlA0yPDvbJgFmSmAwWKw0uScoy0c7LLDF2S853cjCKNPMOz3J1MTLzzXdJdPN0qUjKqysMi8o0CbZVqAR54Nug_`
	tvV2bStored = `eAEBwAA--3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoiMCIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwMDAwLCJUTFMudXNlcmJ1ZiI6IllXSmoiLCJUTFMuc2lnIjoic1d0YmwyK2xrdjFEY29CRjJZMklXakdCNDRLb0RnRElGeGRoendWWG8yUT0ifR54Nug_`

	tvV1a = `eJxN0E9vgjAUAPA7n6LhumVrC7ixxAOKA4OLM*K2W9NIdS8IQqlSWfbd59Bsfcf3e--yviyEkJ3Olnd8vd4fSsXUqRI2ekL2wL79x6qCjHHFHJn1SKhjsNAVSMH4Rgl56cWGQiZKBRu42rnV9Qxuspz18--URNj26ZfJYjyNOD4UcuE*y9Eu1asd0a1Q969JNK-jMP4I4ebkbsMw149BAEG7jGs-J8kn6VLqRNPG180xGby-ibbl44IC7UYR1JNuFgyHxkoFxeUBxKPkgWDim584CtnAvuwLKCbe*V78G7b1bf0AYUhaRQ__`
	tvV1b = `eJxlz11PgzAYBeB7fkXDLUZbSqPd3dyHw4HJMoiZN01DO2mmUEsHlsX-bmQmI9nt*5ycN*fkAQD8LNne8qKoj5Vl1mnpgwnwoX9zQa2VYNwybMQVym*tjGR8b6UZMCQ0hHAcUUJWVu3VfwCNqBEHNtRfi3ofbuliN4s386WrVzOS9228Cnpxl96-LfkLdfN*lzwZXXYugjzLzEfjpnE5feavMv2iQbsVBG-WCeWHI4R5UYpcarVYl-hRo0x1gelGL636PI9HBOMQRQ8oGmkrTaPq6rwRIoJCSOHfUO-H*wVAW1nJ`

	d2Go    = `eAEArABT-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwLCJUTFMuc2lnIjoiZ09vZVcxM3MxOUZneW44UndsRXQvckxrdzN3ekxxOU0rU3FCYlhUSWZuUT0ifQoBAAD--*sNMqY_`
	d2CZlib = `eAEBrABT-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwLCJUTFMuc2lnIjoiZ09vZVcxM3MxOUZneW44UndsRXQvckxrdzN3ekxxOU0rU3FCYlhUSWZuUT0ifQrrDTKm`
	d3Key   = `eAEA5QAa-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwLCJUTFMudXNlcmJ1ZiI6IkFBQUhlR2xoYjJwMWJsTnlUZ0FBQUNjUVhvQTd1QUFBQVA4QUFBQUEiLCJUTFMuc2lnIjoiMWpBQmdzbFNMV0VQLzJMckIrK0hDek10QnI1QkVwUll2VFZ3MCs5THR6Yz0ifQoBAAD--*aFQwA_`
	d4Key   = `eAEA9QAK-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwLCJUTFMudXNlcmJ1ZiI6IkFRQUhlR2xoYjJwMWJsTnlUZ0FBQUFBQVhvQTd1QUFBQVA4QUFBQUFBQW94TURBd01EQXdNRFF3IiwiVExTLnNpZyI6IlF1K3F6L0k0QWw1SXV1N1k1TVZldExIRTRyNWp2TkFSQzJQaTFwRC9YY0E9In0KAQAA--9eL0gC`

	dTime   = 1569910200
	dExpire = 15552000
	dEnd    = 1585462200 // dTime + dExpire, the last valid second
)

func at(sec int64) func() time.Time { return func() time.Time { return time.Unix(sec, 0) } }

func mustVerifier(t *testing.T, app uint32, opts ...VerifierOption) *Verifier {
	t.Helper()
	v, err := NewVerifier(app, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustSigner(t *testing.T, app uint32, key string, opts ...Option) *Signer {
	t.Helper()
	s, err := NewSigner(app, key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readKey(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../fixtures/keys/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TV-V2a: the HMAC over the exact content, with and without userbuf.
func TestVectorV2aHMAC(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		buf  []byte
		want string
	}{
		{"no userbuf", nil, "bEj7EPKeOGh/DZ+LevCNXjSrLtgjj+lC8Ed0uirJXYU="},
		{"userbuf abc", []byte("abc"), "sWtbl2+lkv1DcoBF2Y2IWjGB44KoDgDIFxdhzwVXo2Q="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := b64(hmacSHA256([]byte(K), v2Content("0", 1400000000, 1569910200000, 15552000000, tc.buf)))
			if got != tc.want {
				t.Fatalf("HMAC = %s, want %s", got, tc.want)
			}
		})
	}
}

// TV-V2b: three encodings (zlib 6, 9, C stored block) of the TV-V2a inputs
// verify, and our own generation yields the same JSON document.
func TestVectorV2b(t *testing.T) {
	t.Parallel()
	v := mustVerifier(t, 1400000000, WithKey(K), WithVerifyNow(at(1785000000)))
	for _, tc := range []struct {
		name, sig string
		buf       []byte
		zlibHdr   string
	}{
		{"level 6", tvV2bLevel6, nil, "789c"},
		{"level 9 userbuf", tvV2bLevel9, []byte("abc"), "78da"},
		{"stored userbuf", tvV2bStored, []byte("abc"), "7801"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw, err := decodeBase64(tc.sig)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(raw[:2]); got != tc.zlibHdr {
				t.Fatalf("zlib header %s, want %s", got, tc.zlibHdr)
			}
			d, err := v.VerifyUserSigWithBuf("0", tc.sig, tc.buf)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			// Our signer, at the same raw (millisecond) numbers, writes the
			// same compact JSON plus the Go encoder's newline.
			s := mustSigner(t, 1400000000, K)
			ours, err := s.v2Document("0", 1569910200000, 15552000000, tc.buf)
			if err != nil {
				t.Fatal(err)
			}
			if want := append(append([]byte{}, d.JSON...), '\n'); !bytes.Equal(ours, want) {
				t.Fatalf("our JSON\n%s\nwant\n%s", ours, want)
			}
		})
	}
}

// TV-V2c: the official Go library's behavioural test, check for check.
func TestVectorV2c(t *testing.T) {
	t.Parallel()
	const now = 1700000000
	s := mustSigner(t, 1, "2", WithNow(at(now)))
	sig, err := s.UserSig("3", 4*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	bufSig, err := s.UserSigWithBuf("3", 4*time.Second, []byte{5})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		app      uint32
		key, id  string
		sig      string
		buf      []byte
		now      int64
		want     error
		wantNone bool
	}{
		{name: "ok", app: 1, key: "2", id: "3", sig: sig, now: now, wantNone: true},
		{name: "valid at exactly time+expire", app: 1, key: "2", id: "3", sig: sig, now: now + 4, wantNone: true},
		{name: "expired one second later", app: 1, key: "2", id: "3", sig: sig, now: now + 5, want: ErrExpired},
		{name: "expired an hour later", app: 1, key: "2", id: "3", sig: sig, now: now + 3600, want: ErrExpired},
		{name: "appid", app: 2, key: "2", id: "3", sig: sig, now: now, want: ErrSDKAppIDMismatch},
		{name: "identifier", app: 1, key: "2", id: "4", sig: sig, now: now, want: ErrIdentifierMismatch},
		{name: "key", app: 1, key: "3", id: "3", sig: sig, now: now, want: ErrSigMismatch},
		{name: "bufsig without buf before sig check", app: 1, key: "3", id: "3", sig: bufSig, now: now, want: ErrUserBufTypeMismatch},
		{name: "withbuf ok", app: 1, key: "2", id: "3", sig: bufSig, buf: []byte{5}, now: now, wantNone: true},
		{name: "withbuf 6", app: 1, key: "2", id: "3", sig: bufSig, buf: []byte{6}, now: now, want: ErrUserBufMismatch},
		{name: "buf expected, sig has none", app: 1, key: "2", id: "3", sig: sig, buf: []byte{5}, now: now, want: ErrUserBufTypeMismatch},
		{name: "appid checked before identifier", app: 2, key: "2", id: "4", sig: sig, now: now, want: ErrSDKAppIDMismatch},
		{name: "identifier checked before expiry", app: 1, key: "2", id: "4", sig: sig, now: now + 3600, want: ErrIdentifierMismatch},
		{name: "expiry checked before sig", app: 1, key: "3", id: "3", sig: sig, now: now + 3600, want: ErrExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := mustVerifier(t, tc.app, WithKey(tc.key), WithVerifyNow(at(tc.now)))
			_, err := v.VerifyUserSigWithBuf(tc.id, tc.sig, tc.buf)
			if tc.wantNone {
				if err != nil {
					t.Fatalf("want ok, got %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var ce *CheckError
			if !errors.As(err, &ce) || ce.Field == "" {
				t.Fatalf("%v is not a *CheckError naming its field", err)
			}
		})
	}
}

// D1, D2: byte-exact content, sig and Go-style userSig; the C zlib form verifies.
func TestVectorD1D2(t *testing.T) {
	t.Parallel()
	content := v2Content("xiaojun", 1400000000, dTime, dExpire, nil)
	if want := "TLS.identifier:xiaojun\nTLS.sdkappid:1400000000\nTLS.time:1569910200\nTLS.expire:15552000\n"; string(content) != want {
		t.Fatalf("content %q, want %q", content, want)
	}
	if got := b64(hmacSHA256([]byte(K), content)); got != "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=" {
		t.Fatalf("D1 sig %s", got)
	}
	s := mustSigner(t, 1400000000, K, WithNow(at(dTime)))
	got, err := s.UserSig("xiaojun", dExpire*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got != d2Go {
		t.Fatalf("D2 = %s\nwant %s", got, d2Go)
	}
	for _, sig := range []string{d2Go, d2CZlib} {
		if _, err := mustVerifier(t, 1400000000, WithKey(K), WithVerifyNow(at(dEnd))).VerifyUserSig("xiaojun", sig); err != nil {
			t.Fatalf("valid at %d: %v", dEnd, err)
		}
		if _, err := mustVerifier(t, 1400000000, WithKey(K), WithVerifyNow(at(dEnd+1))).VerifyUserSig("xiaojun", sig); !errors.Is(err, ErrExpired) {
			t.Fatalf("at %d: got %v, want ErrExpired", dEnd+1, err)
		}
	}
}

// D3, D4: privateMapKeys, numeric and string room, byte-exact.
func TestVectorD3D4(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, bufHex, bufB64, sig, key string
		room                           Room
	}{
		{"D3 numeric", "0000077869616f6a756e53724e00000027105e803bb8000000ff00000000", "AAAHeGlhb2p1blNyTgAAACcQXoA7uAAAAP8AAAAA",
			"1jABgslSLWEP/2LrB++HCzMtBr5BEpRYvTVw0+9Ltzc=", d3Key, Room{ID: 10000}},
		{"D4 string", "0100077869616f6a756e53724e00000000005e803bb8000000ff00000000000a31303030303030303430", "AQAHeGlhb2p1blNyTgAAAAAAXoA7uAAAAP8AAAAAAAoxMDAwMDAwMDQw",
			"Qu+qz/I4Al5Iuu7Y5MVetLHE4r5jvNARC2Pi1pD/XcA=", d4Key, Room{Str: "1000000040"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tk := Ticket{Account: "xiaojun", SDKAppID: 1400000000, Room: tc.room, Expires: time.Unix(dEnd, 0), Privileges: PrivAll}
			buf, err := tk.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(buf) != tc.bufHex || b64(buf) != tc.bufB64 {
				t.Fatalf("userbuf %x (%s)", buf, b64(buf))
			}
			if got := b64(hmacSHA256([]byte(K), v2Content("xiaojun", 1400000000, dTime, dExpire, buf))); got != tc.sig {
				t.Fatalf("TLS.sig %s, want %s", got, tc.sig)
			}
			s := mustSigner(t, 1400000000, K, WithNow(at(dTime)))
			key, err := s.PrivateMapKey("xiaojun", dExpire*time.Second, tc.room, PrivAll)
			if err != nil {
				t.Fatal(err)
			}
			if key != tc.key {
				t.Fatalf("key = %s\nwant %s", key, tc.key)
			}
			got, err := mustVerifier(t, 1400000000, WithKey(K), WithVerifyNow(at(dEnd))).VerifyPrivateMapKey("xiaojun", tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if got.Account != "xiaojun" || got.SDKAppID != 1400000000 || got.Room != tc.room || got.Expires.Unix() != dEnd ||
				got.Privileges != PrivAll || !got.Allows(PrivEnter|PrivSendVideo) {
				t.Fatalf("ticket %v", got)
			}
			if _, err := mustVerifier(t, 1400000000, WithKey(K), WithVerifyNow(at(dEnd+1))).VerifyPrivateMapKey("xiaojun", tc.key); !errors.Is(err, ErrExpired) {
				t.Fatalf("after expiry: %v", err)
			}
		})
	}
}

// TV-V1a (secp256k1) and TV-V1b (P-256): published v1 signatures.
func TestVectorV1(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, pub, sig, id string
		app                uint32
		end                int64
	}{
		{"TV-V1a secp256k1", "tv-v1a.pub.pem", tvV1a, "12345", 1234, 1521710196 + 60},
		{"TV-V1b P-256", "tv-v1b.pub.pem", tvV1b, "1", 1, 1535806814},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pub := readKey(t, tc.pub)
			v := mustVerifier(t, tc.app, WithPublicKey(pub), WithVerifyNow(at(tc.end)))
			d, err := v.VerifyUserSig(tc.id, tc.sig)
			if err != nil {
				t.Fatalf("valid at %d: %v", tc.end, err)
			}
			if d.Version != 1 {
				t.Fatalf("version %d", d.Version)
			}
			for _, c := range []struct {
				name string
				v    *Verifier
				id   string
				want error
			}{
				{"expired", mustVerifier(t, tc.app, WithPublicKey(pub), WithVerifyNow(at(tc.end+1))), tc.id, ErrExpired},
				{"identifier", v, tc.id + "x", ErrIdentifierMismatch},
				{"sdkappid", mustVerifier(t, tc.app+1, WithPublicKey(pub), WithVerifyNow(at(tc.end))), tc.id, ErrSDKAppIDMismatch},
				{"other key", mustVerifier(t, tc.app, WithPublicKey(readKey(t, "p256.pub.pem")), WithVerifyNow(at(tc.end))), tc.id, ErrSigMismatch},
				{"no v1 key", mustVerifier(t, tc.app, WithKey(K), WithVerifyNow(at(tc.end))), tc.id, ErrNoKey},
			} {
				if _, err := c.v.VerifyUserSig(c.id, tc.sig); !errors.Is(err, c.want) {
					t.Errorf("%s: got %v, want %v", c.name, err, c.want)
				}
			}
		})
	}
}

// TV-V1a details: fields, the exact signed content and DER signature, and
// that leaving out the appid_at_3rd line breaks verification.
func TestVectorV1aContent(t *testing.T) {
	t.Parallel()
	d, err := Decode(tvV1a)
	if err != nil {
		t.Fatal(err)
	}
	if d.AccountType != "6" || d.AppIDAt3rd != "123" || d.Expire != 60 || d.Identifier != "12345" ||
		d.SDKAppID != 1234 || d.Time != 1521710196 || d.LibVersion != "201512300000" {
		t.Fatalf("fields %+v", d)
	}
	want := "TLS.appid_at_3rd:123\nTLS.account_type:6\nTLS.identifier:12345\nTLS.sdk_appid:1234\nTLS.time:1521710196\nTLS.expire_after:60\n"
	if got := string(v1Content(&d.v1, d.Identifier, false)); got != want {
		t.Fatalf("content %q", got)
	}
	if got := b64(d.Sig); got != "MEQCIGa0umrQ4FrBlTxUl1xwet/PKGOqHDHXDi+y4gDDkx8AAiAwSHq9k1Kh1zT23GIs9xsvK6WVewwaCm2i2zBGiqEzLA==" {
		t.Fatalf("DER sig %s", got)
	}
	pub, err := ParsePublicKey(readKey(t, "tv-v1a.pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if !verifyV1Sig(pub, d) {
		t.Fatal("signature does not verify")
	}
	d.v1.hasAppidAt3rd = false
	if verifyV1Sig(pub, d) {
		t.Fatal("verifies without the appid_at_3rd line")
	}
}
