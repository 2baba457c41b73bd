package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Reference §6 inputs and outputs (see signature/vectors_test.go).
const (
	signK      = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
	signD2     = `eAEArABT-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwLCJUTFMuc2lnIjoiZ09vZVcxM3MxOUZneW44UndsRXQvckxrdzN3ekxxOU0rU3FCYlhUSWZuUT0ifQoBAAD--*sNMqY_`
	signD2C    = `eAEBrABT-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwLCJUTFMuc2lnIjoiZ09vZVcxM3MxOUZneW44UndsRXQvckxrdzN3ekxxOU0rU3FCYlhUSWZuUT0ifQrrDTKm`
	signD3     = `eAEA5QAa-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwLCJUTFMudXNlcmJ1ZiI6IkFBQUhlR2xoYjJwMWJsTnlUZ0FBQUNjUVhvQTd1QUFBQVA4QUFBQUEiLCJUTFMuc2lnIjoiMWpBQmdzbFNMV0VQLzJMckIrK0hDek10QnI1QkVwUll2VFZ3MCs5THR6Yz0ifQoBAAD--*aFQwA_`
	signD4     = `eAEA9QAK-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwLCJUTFMudXNlcmJ1ZiI6IkFRQUhlR2xoYjJwMWJsTnlUZ0FBQUFBQVhvQTd1QUFBQVA4QUFBQUFBQW94TURBd01EQXdNRFF3IiwiVExTLnNpZyI6IlF1K3F6L0k0QWw1SXV1N1k1TVZldExIRTRyNWp2TkFSQzJQaTFwRC9YY0E9In0KAQAA--9eL0gC`
	signV2b6   = `eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQLFTU1NjZAlSjJzwcJmlpaGBkZIEsWZ6UCTk1yzzF0DvFP93TP0XaK0fVLLnP0isoKLfErSs7K0c5wtXFMMSjOLvCIiQ22VagHjLDB3`
	signV2b9   = `eNqrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQLFTU1NjZAlSjJzwcJmlpaGBkZIEqXFqUVJpWlA0yPDvbJgFmSmAwWKw0uScoy0c7LLDF2S853cjCKNPMOz3J1MTLzzXdJdPN0qUjKqysMi8o0CbZVqAR54Nug_`
	signV2b0   = `eAEBwAA--3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoiMCIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwMDAwLCJUTFMudXNlcmJ1ZiI6IllXSmoiLCJUTFMuc2lnIjoic1d0YmwyK2xrdjFEY29CRjJZMklXakdCNDRLb0RnRElGeGRoendWWG8yUT0ifR54Nug_`
	signV1a    = `eJxN0E9vgjAUAPA7n6LhumVrC7ixxAOKA4OLM*K2W9NIdS8IQqlSWfbd59Bsfcf3e--yviyEkJ3Olnd8vd4fSsXUqRI2ekL2wL79x6qCjHHFHJn1SKhjsNAVSMH4Rgl56cWGQiZKBRu42rnV9Qxuspz18--URNj26ZfJYjyNOD4UcuE*y9Eu1asd0a1Q969JNK-jMP4I4ebkbsMw149BAEG7jGs-J8kn6VLqRNPG180xGby-ibbl44IC7UYR1JNuFgyHxkoFxeUBxKPkgWDim584CtnAvuwLKCbe*V78G7b1bf0AYUhaRQ__`
	signV1b    = `eJxlz11PgzAYBeB7fkXDLUZbSqPd3dyHw4HJMoiZN01DO2mmUEsHlsX-bmQmI9nt*5ycN*fkAQD8LNne8qKoj5Vl1mnpgwnwoX9zQa2VYNwybMQVym*tjGR8b6UZMCQ0hHAcUUJWVu3VfwCNqBEHNtRfi3ofbuliN4s386WrVzOS9228Cnpxl96-LfkLdfN*lzwZXXYugjzLzEfjpnE5feavMv2iQbsVBG-WCeWHI4R5UYpcarVYl-hRo0x1gelGL636PI9HBOMQRQ8oGmkrTaPq6rwRIoJCSOHfUO-H*wVAW1nJ`
	signKeyDir = "../../fixtures/keys/"
)

// signResult is one in-process run of the CLI.
type signResult struct {
	code           int
	stdout, stderr string
}

// signRun runs roombot with args in-process; env holds $VARS and stdin.
func signRun(t *testing.T, env map[string]string, stdin string, args ...string) signResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"roombot"}, args...), Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return signResult{code, out.String(), errb.String()}
}

func TestSignVectorsThroughCLI(t *testing.T) {
	t.Parallel()
	base := []string{"--sdkappid", "1400000000", "--key", signK, "--userid", "xiaojun", "--expire", "15552000", "--now", "1569910200"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"D2 usersig", append([]string{"sign", "usersig"}, base...), signD2},
		{"D3 numeric room, 255", append(append([]string{"sign", "privatemapkey"}, base...), "--room", "10000", "--privileges", "255"), signD3},
		{"D3 numeric room, all", append(append([]string{"sign", "privatemapkey"}, base...), "--room", "10000", "--privileges", "all"), signD3},
		{"D4 string room, 0xff", append(append([]string{"sign", "privatemapkey"}, base...), "--room-str", "1000000040", "--privileges", "0xff"), signD4},
		{"D4 string room, names", append(append([]string{"sign", "privatemapkey"}, base...), "--room-str", "1000000040",
			"--privileges", "create,enter,send-audio,recv-audio,send-video,recv-video,send-sub,recv-sub"), signD4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := signRun(t, nil, "", tc.args...)
			if r.code != ExitOK || r.stdout != tc.want+"\n" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %s", r.code, r.stdout, r.stderr, tc.want)
			}
		})
	}
}

// signVerdict decodes verify's JSON output.
type signVerdict struct {
	Version  int             `json:"version"`
	Kind     string          `json:"kind"`
	Document json.RawMessage `json:"document"`
	Ticket   *struct {
		Account    string `json:"account"`
		RoomID     uint32 `json:"roomID"`
		StrRoomID  string `json:"strRoomID"`
		Privileges uint32 `json:"privileges"`
		Expires    string `json:"expires"`
	} `json:"ticket"`
	Valid  bool   `json:"valid"`
	Reason string `json:"reason"`
}

func TestSignVerifyThroughCLI(t *testing.T) {
	t.Parallel()
	v2 := func(app, user, now string) []string {
		return []string{"sign", "verify", "--sdkappid", app, "--key", signK, "--userid", user, "--now", now}
	}
	v1 := func(key, app, user, now string) []string {
		return []string{"sign", "verify", "--sdkappid", app, "--public-key-file", signKeyDir + key, "--userid", user, "--now", now}
	}
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		kind     string
		reason   string // substring of the reason when invalid
		roomID   uint32
		roomStr  string
		stdinSig string
	}{
		{name: "TV-V2b level 6", args: append(v2("1400000000", "0", "1785000000"), signV2b6), code: 0, kind: "userSig"},
		{name: "TV-V2b level 9 userbuf", args: append(v2("1400000000", "0", "1785000000"), "--userbuf-base64", "YWJj", signV2b9), code: 0, kind: "userSig"},
		{name: "TV-V2b stored userbuf", args: append(v2("1400000000", "0", "1785000000"), "--userbuf-base64", "YWJj", signV2b0), code: 0, kind: "userSig"},
		{name: "TV-V2b wrong userbuf", args: append(v2("1400000000", "0", "1785000000"), "--userbuf-base64", "YWJk", signV2b0), code: 1, kind: "userSig", reason: "userbuf mismatch"},
		{name: "D2 last valid second", args: append(v2("1400000000", "xiaojun", "1585462200"), signD2), code: 0, kind: "userSig"},
		{name: "D2 C zlib", args: append(v2("1400000000", "xiaojun", "1585462200"), signD2C), code: 0, kind: "userSig"},
		{name: "D2 expired", args: append(v2("1400000000", "xiaojun", "1585462201"), signD2), code: 1, kind: "userSig", reason: "expired"},
		{name: "D2 wrong user", args: append(v2("1400000000", "xiaoming", "1585462200"), signD2), code: 1, kind: "userSig", reason: "identifier mismatch"},
		{name: "D2 wrong app", args: append(v2("1400000001", "xiaojun", "1585462200"), signD2), code: 1, kind: "userSig", reason: "sdkappid mismatch"},
		{name: "D3 ticket", args: append(v2("1400000000", "xiaojun", "1585462200"), signD3), code: 0, kind: "privateMapKey", roomID: 10000},
		{name: "D4 ticket from stdin", args: append(v2("1400000000", "xiaojun", "1585462200"), "-"), stdinSig: signD4 + "\n", code: 0, kind: "privateMapKey", roomStr: "1000000040"},
		{name: "D4 expired still shows ticket", args: append(v2("1400000000", "xiaojun", "1585462201"), signD4), code: 1, kind: "privateMapKey", reason: "expired", roomStr: "1000000040"},
		{name: "TV-V1a", args: append(v1("tv-v1a.pub.pem", "1234", "12345", "1521710256"), signV1a), code: 0, kind: "userSig"},
		{name: "TV-V1a expired", args: append(v1("tv-v1a.pub.pem", "1234", "12345", "1521710257"), signV1a), code: 1, kind: "userSig", reason: "expired"},
		{name: "TV-V1b", args: append(v1("tv-v1b.pub.pem", "1", "1", "1535806814"), signV1b), code: 0, kind: "userSig"},
		{name: "TV-V1b wrong key", args: append(v1("tv-v1a.pub.pem", "1", "1", "1535806814"), signV1b), code: 1, kind: "userSig", reason: "signature mismatch"},
		{name: "garbage", args: append(v2("1", "u", "0"), "not-a-sig!"), code: 1, kind: "unknown", reason: "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := signRun(t, nil, tc.stdinSig, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %s; stderr %s", r.code, tc.code, r.stdout, r.stderr)
			}
			var v signVerdict
			if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
				t.Fatalf("stdout is not the JSON verdict: %v\n%s", err, r.stdout)
			}
			if v.Kind != tc.kind || v.Valid != (tc.code == 0) || !strings.Contains(v.Reason, tc.reason) {
				t.Fatalf("verdict %+v", v)
			}
			if tc.code != 0 && !strings.Contains(r.stderr, tc.reason) {
				t.Fatalf("stderr %q lacks the reason %q", r.stderr, tc.reason)
			}
			if tc.kind != "unknown" && len(v.Document) == 0 {
				t.Fatal("document not printed")
			}
			if tc.roomID != 0 || tc.roomStr != "" {
				if v.Ticket == nil || v.Ticket.RoomID != tc.roomID || v.Ticket.StrRoomID != tc.roomStr ||
					v.Ticket.Account != "xiaojun" || v.Ticket.Privileges != 255 || v.Ticket.Expires != "2020-03-29T06:10:00Z" {
					t.Fatalf("ticket %+v", v.Ticket)
				}
			}
		})
	}
}

func TestSignUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no key", []string{"sign", "usersig", "--sdkappid", "1", "--userid", "u", "--expire", "5"}},
		{"key and key-file", []string{"sign", "usersig", "--sdkappid", "1", "--key", "k", "--key-file", "x", "--userid", "u", "--expire", "5"}},
		{"sdkappid 0", []string{"sign", "usersig", "--sdkappid", "0", "--key", "k", "--userid", "u", "--expire", "5"}},
		{"sdkappid too big", []string{"sign", "usersig", "--sdkappid", "4294967296", "--key", "k", "--userid", "u", "--expire", "5"}},
		{"expire 0", []string{"sign", "usersig", "--sdkappid", "1", "--key", "k", "--userid", "u", "--expire", "0"}},
		{"bad userid", []string{"sign", "usersig", "--sdkappid", "1", "--key", "k", "--userid", "a b", "--expire", "5"}},
		{"bad userbuf", []string{"sign", "usersig", "--sdkappid", "1", "--key", "k", "--userid", "u", "--expire", "5", "--userbuf-base64", "@@"}},
		{"missing userid", []string{"sign", "usersig", "--sdkappid", "1", "--key", "k", "--expire", "5"}},
		{"no room", []string{"sign", "privatemapkey", "--sdkappid", "1", "--key", "k", "--userid", "u", "--expire", "5", "--privileges", "all"}},
		{"both rooms", []string{"sign", "privatemapkey", "--sdkappid", "1", "--key", "k", "--userid", "u", "--expire", "5", "--room", "1", "--room-str", "a", "--privileges", "all"}},
		{"room 0", []string{"sign", "privatemapkey", "--sdkappid", "1", "--key", "k", "--userid", "u", "--expire", "5", "--room", "0", "--privileges", "all"}},
		{"room too big", []string{"sign", "privatemapkey", "--sdkappid", "1", "--key", "k", "--userid", "u", "--expire", "5", "--room", "4294967296", "--privileges", "all"}},
		{"bad privileges", []string{"sign", "privatemapkey", "--sdkappid", "1", "--key", "k", "--userid", "u", "--expire", "5", "--room", "1", "--privileges", "enter,fly"}},
		{"verify without sig", []string{"sign", "verify", "--sdkappid", "1", "--key", "k", "--userid", "u"}},
		{"verify without key", []string{"sign", "verify", "--sdkappid", "1", "--userid", "u", "x"}},
		{"bad private key file", []string{"sign", "usersig", "--sdkappid", "1", "--private-key-file", signKeyDir + "p256.pub.pem", "--userid", "u", "--expire", "5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := signRun(t, nil, "", tc.args...)
			if r.code != ExitUsage || strings.HasPrefix(r.stdout, "eA") || r.stderr == "" {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q", r.code, ExitUsage, r.stdout, r.stderr)
			}
		})
	}
}

// TestSignSecretSources: --key-file and $ROOMBOT_SECRET_KEY give the same
// signature as --key, and the secret never shows in any output, help included.
func TestSignSecretSources(t *testing.T) {
	t.Parallel()
	const secret = "very-secret-key-7f3a"
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	common := []string{"--sdkappid", "1400000000", "--userid", "alice", "--expire", "60", "--now", "1700000000"}
	byFlag := signRun(t, nil, "", append([]string{"sign", "usersig", "--key", secret}, common...)...)
	byFile := signRun(t, nil, "", append([]string{"sign", "usersig", "--key-file", keyFile}, common...)...)
	byEnv := signRun(t, map[string]string{"ROOMBOT_SECRET_KEY": secret}, "", append([]string{"sign", "usersig"}, common...)...)
	if byFlag.code != 0 || byFlag.stdout == "" || byFile != byFlag || byEnv != byFlag {
		t.Fatalf("flag %+v\nfile %+v\nenv %+v", byFlag, byFile, byEnv)
	}
	runs := []signResult{byFlag, byFile, byEnv,
		signRun(t, map[string]string{"ROOMBOT_SECRET_KEY": secret}, "", "sign", "verify", "--sdkappid", "1400000000", "--userid", "bob", "--now", "1700000000", strings.TrimSpace(byFlag.stdout)),
		signRun(t, nil, "", "sign", "verify", "--sdkappid", "1400000000", "--key", secret, "--userid", "alice", "--now", "1800000000", strings.TrimSpace(byFlag.stdout)),
		signRun(t, nil, "", "sign", "usersig", "--key", secret, "--sdkappid", "1", "--userid", "bad id", "--expire", "5"),
		signRun(t, nil, "", "sign", "usersig", "--key", secret, "--help"),
	}
	for i, r := range runs {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Fatalf("run %d leaks the secret:\n%s\n%s", i, r.stdout, r.stderr)
		}
	}
	if runs[3].code != ExitFailed || runs[4].code != ExitFailed {
		t.Fatalf("verify of a wrong user / expired sig: exits %d, %d", runs[3].code, runs[4].code)
	}
}

// TestSignV1ThroughCLI signs with each fixture private key form and verifies
// with the matching public key.
func TestSignV1ThroughCLI(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ priv, pub string }{
		{"p256.key.pem", "p256.pub.pem"},
		{"p256.pkcs8.pem", "p256.pub.pem"},
		{"secp256k1.key.pem", "secp256k1.pub.pem"},
		{"secp256k1.pkcs8.pem", "secp256k1.pub.pem"},
	} {
		t.Run(tc.priv, func(t *testing.T) {
			t.Parallel()
			s := signRun(t, nil, "", "sign", "usersig", "--sdkappid", "1400000000", "--private-key-file", signKeyDir+tc.priv,
				"--userid", "alice", "--expire", "60", "--now", "1700000000")
			if s.code != 0 {
				t.Fatalf("sign: %+v", s)
			}
			v := signRun(t, nil, "", "sign", "verify", "--sdkappid", "1400000000", "--public-key-file", signKeyDir+tc.pub,
				"--userid", "alice", "--now", "1700000060", strings.TrimSpace(s.stdout))
			if v.code != 0 || !strings.Contains(v.stdout, `"version": 1`) {
				t.Fatalf("verify: %+v", v)
			}
		})
	}
}

// TestSignAcceptedByIndependentImplementations feeds `roombot sign usersig`
// output to verifiers written separately in Python (stdlib) and Node.js.
func TestSignAcceptedByIndependentImplementations(t *testing.T) {
	t.Parallel()
	now := time.Now().Unix()
	for _, tool := range []struct{ bin, script string }{
		{"python3", "../../signature/testdata/verify_usersig.py"},
		{"node", "../../signature/testdata/verify_usersig.js"},
	} {
		t.Run(tool.bin, func(t *testing.T) {
			t.Parallel()
			if _, err := exec.LookPath(tool.bin); err != nil {
				if os.Getenv("CI") != "" { // CI installs it (scripts/test-deps.sh): a skip there would hide a gap
					t.Fatalf("%s not installed in CI: cannot run the independent verifier %s", tool.bin, tool.script)
				}
				t.Skipf("%s not installed: cannot run the independent verifier %s", tool.bin, tool.script)
			}
			sign := func(extra ...string) string {
				r := signRun(t, map[string]string{"ROOMBOT_SECRET_KEY": signK}, "", append([]string{"sign", "usersig",
					"--sdkappid", "1400000000", "--userid", "xiaojun_2", "--expire", "86400"}, extra...)...)
				if r.code != 0 {
					t.Fatalf("sign: %+v", r)
				}
				return strings.TrimSpace(r.stdout)
			}
			check := func(sig, key string, at int64, userbuf string) string {
				cmd := exec.Command(tool.bin, tool.script, "1400000000", "xiaojun_2", sig, strconv.FormatInt(at, 10), userbuf)
				cmd.Env = append(os.Environ(), "TLS_KEY="+key)
				out, _ := cmd.CombinedOutput()
				return strings.TrimSpace(string(out))
			}
			sig := sign()
			if got := check(sig, signK, now, ""); got != "ok" {
				t.Fatalf("%s rejects %s: %s", tool.bin, sig, got)
			}
			// The verifier must be able to say no, or its "ok" means nothing.
			if got := check(sig, signK+"x", now, ""); got != "fail: sig" {
				t.Fatalf("%s with a wrong key: %q", tool.bin, got)
			}
			if got := check(sig, signK, now+86400+60, ""); got != "fail: expired" {
				t.Fatalf("%s after expiry: %q", tool.bin, got)
			}
			if tool.bin == "python3" {
				bufSig := sign("--userbuf-base64", "YWJj")
				if got := check(bufSig, signK, now, "YWJj"); got != "ok" {
					t.Fatalf("%s rejects the userbuf sig %s: %s", tool.bin, bufSig, got)
				}
			}
		})
	}
}

// signPipe is a goroutine-safe stdout that hands over its first line.
type signPipe struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
	once  sync.Once
}

func (p *signPipe) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf.Write(b)
	if line, err := bufio.NewReader(bytes.NewReader(p.buf.Bytes())).ReadString('\n'); err == nil {
		p.once.Do(func() { p.lines <- line })
	}
	return len(b), nil
}

// TestSignServe runs `roombot sign serve` on 127.0.0.1:0, asks it for
// credentials over HTTP and stops it with an injected interrupt. Not
// parallel, so the leak check sees only its own goroutines (the parallel
// tests are paused while it runs).
func TestSignServe(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	out := &signPipe{lines: make(chan string, 1)}
	sigs := make(chan os.Signal, 1)
	var errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(""), Stdout: out, Stderr: &errb,
		Getenv:    func(k string) string { return map[string]string{"ROOMBOT_SECRET_KEY": signK}[k] },
		Interrupt: func() (<-chan os.Signal, func()) { return sigs, func() {} },
	}
	exit := make(chan int, 1)
	go func() {
		exit <- Main([]string{"roombot", "sign", "serve", "--sdkappid", "1400000000", "--listen", "127.0.0.1:0", "--expire", "600",
			"--privileges", "enter,recv-audio,recv-video"}, env)
	}()
	var line string
	select {
	case line = <-out.lines:
	case code := <-exit:
		t.Fatalf("serve exited %d: %s", code, errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not report its address")
	}
	url := strings.TrimSpace(line[strings.Index(line, "http://"):])
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(url, "application/json", strings.NewReader(`{"userID":"alice","roomID":1234}`))
	if err == nil {
		var body []byte
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		var r struct {
			UserID, UserSig, PrivateMapKey string
			SDKAppID, RoomID               uint32
		}
		if err == nil {
			err = json.Unmarshal(body, &r)
		}
		if err == nil && (r.UserID != "alice" || r.RoomID != 1234 || r.SDKAppID != 1400000000) {
			t.Errorf("response %s", body)
		}
		if err == nil {
			v := signRun(t, map[string]string{"ROOMBOT_SECRET_KEY": signK}, "", "sign", "verify", "--sdkappid", "1400000000", "--userid", "alice", r.PrivateMapKey)
			if v.code != 0 || !strings.Contains(v.stdout, `"privileges": 42`) {
				t.Errorf("issued privateMapKey: %+v", v)
			}
		}
	}
	client.CloseIdleConnections()
	sigs <- os.Interrupt
	select {
	case code := <-exit:
		if code != ExitOK {
			t.Fatalf("exit %d after interrupt: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on interrupt")
	}
	if err != nil {
		t.Fatal(err)
	}
}
