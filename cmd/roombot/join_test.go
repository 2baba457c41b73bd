package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signaling/livekit/lktest"
	"github.com/roombot/roombot/signaling/native"
)

// lockedBuffer is a stdout the join command writes to from several
// goroutines while the test reads it; notify fires on every write.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	notify chan struct{}
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case l.notify <- struct{}{}:
	default:
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// jsonLines decodes every line of out, failing on a line that is not JSON.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line is not JSON: %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	return lines
}

func find(lines []map[string]any, f func(map[string]any) bool) map[string]any {
	for _, l := range lines {
		if f(l) {
			return l
		}
	}
	return nil
}

// A peer bot publishes in a room of a test server; `roombot join --json`
// enters the same room, prints 1018, the peer's first frames and stats
// lines, and leaves with exit 0 at the end of --duration.
func TestJoinJSONAgainstServer(t *testing.T) {
	ctx := context.Background()
	srv, err := server.Start(ctx, server.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	host, err := bot.NewHost()
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	peer, err := bot.New(bot.Config{SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey, UserID: "peer", RoomID: 777},
		bot.WithDriver(native.New(srv.SignalURL(), native.WithLogger(slog.New(slog.DiscardHandler)))), bot.WithHost(host))
	if err != nil {
		t.Fatal(err)
	}
	if err := peer.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer peer.Stop(ctx)

	out := &lockedBuffer{notify: make(chan struct{}, 1)}
	var errb bytes.Buffer
	code := Main([]string{"roombot", "join", "--server", srv.URL(), "--sdkappid", "1400000001", "--room", "777",
		"--userid", "cli", "--duration", "3s", "--json"},
		Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: &errb,
			Getenv: func(k string) string {
				if k == "ROOMBOT_SECRET_KEY" {
					return server.DevSecretKey
				}
				return ""
			}})
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	if strings.Contains(out.String()+errb.String(), server.DevSecretKey) {
		t.Fatal("the secret key appears in the output")
	}
	lines := jsonLines(t, out.String())
	entered := find(lines, func(m map[string]any) bool { return m["event"] == "entered" })
	if entered == nil || entered["kind"] != "room" || entered["code"] != float64(1018) || entered["user"] != "cli" {
		t.Fatalf("no entered line with code 1018: %v", entered)
	}
	if _, err := time.Parse(time.RFC3339Nano, entered["ts"].(string)); err != nil {
		t.Fatalf("ts is not RFC 3339: %v", err)
	}
	for _, track := range []string{"audio", "video"} {
		ff := find(lines, func(m map[string]any) bool {
			return m["kind"] == "media" && m["event"] == "first_frame" && m["remote"] == "peer" && m["track"] == track
		})
		if ff == nil {
			t.Fatalf("no first_frame line for the peer's %s in:\n%s", track, out.String())
		}
	}
	st := find(lines, func(m map[string]any) bool { return m["kind"] == "stats" && m["rx_kbps"].(float64) > 0 })
	if st == nil {
		t.Fatalf("no stats line with received media in:\n%s", out.String())
	}
	for _, k := range []string{"tx_kbps", "rx_kbps", "rx_loss_pct", "freezes", "user"} {
		if _, ok := st[k]; !ok {
			t.Errorf("stats line lacks %q: %v", k, st)
		}
	}
	if find(lines, func(m map[string]any) bool { return m["event"] == "left" }) == nil {
		t.Fatal("no left line after --duration")
	}
}

// Without --server the embedded service is started; Ctrl-C leaves with 0.
func TestJoinEmbeddedInterrupt(t *testing.T) {
	out := &lockedBuffer{notify: make(chan struct{}, 1)}
	sig := make(chan os.Signal, 2)
	var errb bytes.Buffer
	done := make(chan int)
	go func() {
		done <- Main([]string{"roombot", "join", "--room", "5", "--userid", "solo"},
			Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: &errb, Getenv: func(string) string { return "" },
				Interrupt: func() (<-chan os.Signal, func()) { return sig, func() {} }})
	}()
	deadline := time.After(10 * time.Second)
	for !strings.Contains(out.String(), "entered") {
		select {
		case <-out.notify:
		case <-deadline:
			t.Fatalf("no entered line; out %q err %q", out.String(), errb.String())
		}
	}
	sig <- os.Interrupt
	select {
	case code := <-done:
		if code != ExitOK {
			t.Fatalf("exit %d after Ctrl-C, stderr %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("join did not return after Ctrl-C")
	}
	if !strings.Contains(out.String(), "left") || !strings.Contains(out.String(), "code=1019") {
		t.Fatalf("no left line:\n%s", out.String())
	}
}

// A bad userSig cannot enter: exit 3 and the server's code on the line.
func TestJoinBadUserSigExits3(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"roombot", "join", "--room", "6", "--userid", "x", "--usersig", "garbage", "--json"},
		Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	if code != ExitNotCarried {
		t.Fatalf("exit %d, want %d; stderr %s", code, ExitNotCarried, errb.String())
	}
	lines := jsonLines(t, out.String())
	if f := find(lines, func(m map[string]any) bool { return m["event"] == "enter_failed" }); f == nil || f["code"] != float64(-100018) {
		t.Fatalf("enter_failed line %v in:\n%s", f, out.String())
	}
}

func TestSignalURLOf(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:7880":     "ws://127.0.0.1:7880/ws",
		"https://example.test":      "wss://example.test/ws",
		"ws://127.0.0.1:1/ws":       "ws://127.0.0.1:1/ws",
		"http://127.0.0.1:2/custom": "ws://127.0.0.1:2/custom",
	} {
		if got, err := signalURLOf(in); err != nil || got != want {
			t.Errorf("signalURLOf(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"ftp://x", "not a url", "127.0.0.1:7880"} {
		if _, err := signalURLOf(bad); err == nil {
			t.Errorf("signalURLOf(%q) accepted", bad)
		}
	}
}

func TestJoinTargetFlagUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--target", "nosuch=ws://127.0.0.1:1", "--room", "1", "--userid", "u"},
		{"--target", "native=ws://127.0.0.1:1/ws", "--server", "ws://127.0.0.1:1/ws", "--room", "1", "--userid", "u"},
	} {
		var out, errb bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
		if code := Main(append([]string{"roombot", "join"}, args...), env); code != ExitUsage {
			t.Errorf("join %v: exit %d, %q; want %d", args, code, errb.String(), ExitUsage)
		}
	}
}

// TestJoinLiveKit: `roombot join --target livekit=URL` enters a real
// livekit-server with a token minted from $LIVEKIT_API_KEY/SECRET.
func TestJoinLiveKit(t *testing.T) {
	srv := lktest.Start(t)
	var out, errb bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		return map[string]string{"LIVEKIT_API_KEY": srv.Key, "LIVEKIT_API_SECRET": srv.Secret}[k]
	}}
	code := Main([]string{"roombot", "join", "--target", "livekit=" + srv.URL, "--room", "77", "--userid", "carol", "--duration", "1500ms", "--json"}, env)
	if code != ExitOK || !strings.Contains(out.String(), `"event":"entered"`) || !strings.Contains(out.String(), `"code":1018`) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
	if strings.Contains(out.String()+errb.String(), srv.Secret) {
		t.Error("the API secret was printed")
	}
	// Without the key the usage error names the variable.
	env.Getenv = func(string) string { return "" }
	errb.Reset()
	if code := Main([]string{"roombot", "join", "--target", "livekit=" + srv.URL, "--room", "77", "--userid", "dave"}, env); code != ExitUsage || !strings.Contains(errb.String(), "$LIVEKIT_API_KEY") {
		t.Errorf("no key: exit %d, %q", code, errb.String())
	}
}
