package signature

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// docFor writes a v2 document the way another library would: keys in the
// given order, with the given separators.
func docFor(order []string, sep, colon string, withBuf bool) []byte {
	buf := []byte("abc")
	vals := map[string]string{
		"TLS.ver":        `"2.0"`,
		"TLS.identifier": `"xiaojun"`,
		"TLS.sdkappid":   "1400000000",
		"TLS.expire":     fmt.Sprint(dExpire),
		"TLS.time":       fmt.Sprint(dTime),
		"TLS.userbuf":    `"` + b64(buf) + `"`,
	}
	var userbuf []byte
	if withBuf {
		userbuf = buf
	}
	vals["TLS.sig"] = `"` + b64(hmacSHA256([]byte(K), v2Content("xiaojun", 1400000000, dTime, dExpire, userbuf))) + `"`
	var parts []string
	for _, k := range order {
		if k == "TLS.userbuf" && !withBuf {
			continue
		}
		parts = append(parts, `"`+k+`"`+colon+vals[k])
	}
	return []byte("{" + strings.Join(parts, sep) + "}")
}

func zlibAt(t *testing.T, b []byte, level int) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := zlib.NewWriterLevel(&out, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// TestVerifyAcceptsEveryLibraryForm: key order, whitespace, zlib level and
// base64 flavour must not matter (reference §1.3–1.4).
func TestVerifyAcceptsEveryLibraryForm(t *testing.T) {
	t.Parallel()
	goOrder := []string{"TLS.ver", "TLS.identifier", "TLS.sdkappid", "TLS.expire", "TLS.time", "TLS.userbuf", "TLS.sig"}
	cppOrder := []string{"TLS.ver", "TLS.sdkappid", "TLS.identifier", "TLS.time", "TLS.expire", "TLS.userbuf", "TLS.sig"}
	sorted := []string{"TLS.expire", "TLS.identifier", "TLS.sdkappid", "TLS.sig", "TLS.time", "TLS.userbuf", "TLS.ver"}
	docs := map[string][]byte{
		"python separators": docFor(goOrder, ", ", ": ", false),
		"c++ order":         docFor(cppOrder, ",", ":", false),
		"old go sorted":     docFor(sorted, ",", ":", false),
		"pretty":            docFor(cppOrder, ",\n    ", " : ", false),
		"python userbuf":    docFor(goOrder, ", ", ": ", true),
		"sorted userbuf":    docFor(sorted, ",", ":", true),
	}
	swap := strings.NewReplacer("+", "*", "/", "-", "=", "_")
	encodings := map[string]func([]byte) string{
		"swap padded":   func(b []byte) string { return swap.Replace(base64.StdEncoding.EncodeToString(b)) },
		"swap unpadded": func(b []byte) string { return swap.Replace(base64.RawStdEncoding.EncodeToString(b)) },
		"std padded":    base64.StdEncoding.EncodeToString,
		"std unpadded":  base64.RawStdEncoding.EncodeToString,
		"with newline":  func(b []byte) string { return " " + swap.Replace(base64.StdEncoding.EncodeToString(b)) + "\n" },
	}
	v := mustVerifier(t, 1400000000, WithKey(K), WithVerifyNow(at(dEnd)))
	for dn, doc := range docs {
		for _, level := range []int{zlib.NoCompression, zlib.BestSpeed, zlib.DefaultCompression, zlib.BestCompression, zlib.HuffmanOnly} {
			for en, enc := range encodings {
				name := fmt.Sprintf("%s/level %d/%s", dn, level, en)
				sig := enc(zlibAt(t, doc, level))
				var buf []byte
				if strings.Contains(dn, "userbuf") {
					buf = []byte("abc")
				}
				if _, err := v.VerifyUserSigWithBuf("xiaojun", sig, buf); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		}
	}
}

// TestVerifyRejectsTampering: a changed value fails the HMAC, not earlier.
func TestVerifyRejectsTampering(t *testing.T) {
	t.Parallel()
	v := mustVerifier(t, 1400000000, WithKey(K), WithVerifyNow(at(dTime)))
	doc := string(docFor([]string{"TLS.ver", "TLS.identifier", "TLS.sdkappid", "TLS.expire", "TLS.time", "TLS.sig"}, ",", ":", false))
	for _, tc := range []struct{ name, from, to string }{
		{"longer expiry", fmt.Sprint(dExpire), fmt.Sprint(dExpire * 2)},
		{"earlier time", fmt.Sprint(dTime), fmt.Sprint(dTime - 1)},
		{"sig byte", `"TLS.sig":"g`, `"TLS.sig":"h`},
	} {
		tampered := strings.Replace(doc, tc.from, tc.to, 1)
		if tampered == doc {
			t.Fatalf("%s: nothing replaced", tc.name)
		}
		_, err := v.VerifyUserSig("xiaojun", swapEncoding.EncodeToString(zlibAt(t, []byte(tampered), 6)))
		if !errors.Is(err, ErrSigMismatch) {
			t.Errorf("%s: got %v, want ErrSigMismatch", tc.name, err)
		}
	}
}

// TestDecodeErrorsNameTheStage: malformed input says where it broke.
func TestDecodeErrorsNameTheStage(t *testing.T) {
	t.Parallel()
	z := func(s string) string { return swapEncoding.EncodeToString(zlibAt(t, []byte(s), 6)) }
	for _, tc := range []struct {
		name, in, stage, field string
	}{
		{"empty", "", "input", ""},
		{"too long", strings.Repeat("A", MaxEncodedLen+1), "input", ""},
		{"base64", "abc$def", "base64", ""},
		{"not zlib", swapEncoding.EncodeToString([]byte("hello world")), "zlib", ""},
		{"truncated zlib", d2Go[:40], "zlib", ""},
		{"json", z("{not json"), "json", ""},
		{"json array", z("[1]"), "json", ""},
		{"null", z("null"), "json", ""},
		{"unknown version", z(`{"TLS.ver":"3.0"}`), "field", "TLS.ver"},
		{"identifier type", z(`{"TLS.ver":"2.0","TLS.identifier":5}`), "field", "TLS.identifier"},
		{"missing sdkappid", z(`{"TLS.ver":"2.0","TLS.identifier":"a"}`), "field", "TLS.sdkappid"},
		{"float sdkappid", z(`{"TLS.ver":"2.0","TLS.identifier":"a","TLS.sdkappid":1.5}`), "field", "TLS.sdkappid"},
		{"huge time", z(`{"TLS.ver":"2.0","TLS.identifier":"a","TLS.sdkappid":1,"TLS.time":1e400}`), "field", "TLS.time"},
		{"userbuf not base64", z(`{"TLS.ver":"2.0","TLS.identifier":"a","TLS.sdkappid":1,"TLS.time":1,"TLS.userbuf":"@@","TLS.sig":""}`), "field", "TLS.userbuf"},
		{"missing sig", z(`{"TLS.ver":"2.0","TLS.identifier":"a","TLS.sdkappid":1,"TLS.time":1}`), "field", "TLS.sig"},
		{"v1 bad time", z(`{"TLS.identifier":"a","TLS.sdk_appid":"1","TLS.time":"yesterday"}`), "field", "TLS.time"},
		{"v1 missing expire", z(`{"TLS.identifier":"a","TLS.sdk_appid":"1","TLS.time":"1"}`), "field", "TLS.expire_after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode(tc.in)
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want a *DecodeError", err)
			}
			if de.Stage != tc.stage || de.Field != tc.field {
				t.Fatalf("stage %q field %q, want %q %q (%v)", de.Stage, de.Field, tc.stage, tc.field, err)
			}
		})
	}
}

// TestZlibBombRefused: a tiny input inflating past MaxDocumentLen is refused.
func TestZlibBombRefused(t *testing.T) {
	t.Parallel()
	bomb := swapEncoding.EncodeToString(zlibAt(t, bytes.Repeat([]byte{' '}, MaxDocumentLen+10), 9))
	if len(bomb) > 1000 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	_, err := Decode(bomb)
	var de *DecodeError
	if !errors.As(err, &de) || de.Stage != "zlib" {
		t.Fatalf("got %v", err)
	}
}
