package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/server"
	"github.com/roombot/roombot/signaling/native"
)

// TestJoinServerDevKeyAndIM: `roombot join --server URL` with no
// credentials signs with the documented dev key (the dev app is the
// default), and --im-every/--im-text send group text that another bot in
// the room receives.
func TestJoinServerDevKeyAndIM(t *testing.T) {
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
	var mu sync.Mutex
	var got []string
	sink := reports.SinkFunc{Event: func(e reports.Event) {
		if e.Event == reports.EvBigGroupMsg && e.Remote == "talker" {
			mu.Lock()
			got = append(got, e.Message)
			mu.Unlock()
		}
	}}
	peer, err := bot.New(bot.Config{SDKAppID: server.DefaultSDKAppID, SecretKey: server.DevSecretKey, UserID: "listener", RoomID: 778, EnableIM: true},
		bot.WithDriver(native.New(srv.SignalURL(), native.WithLogger(slog.New(slog.DiscardHandler)))), bot.WithHost(host), bot.WithSink(sink))
	if err != nil {
		t.Fatal(err)
	}
	if err := peer.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer peer.Stop(ctx)

	var out, errb bytes.Buffer
	code := Main([]string{"roombot", "join", "--server", srv.URL(), "--room", "778", "--userid", "talker",
		"--duration", "2s", "--im-every", "400ms", "--im-text", "hello {n}", "--enable-camera=false"},
		Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) < 2 || !strings.Contains(got[0], "hello 1") || !strings.Contains(got[1], "hello 2") {
		t.Fatalf("listener got %q; join output:\n%s", got, out.String())
	}
	if strings.Contains(out.String()+errb.String(), server.DevSecretKey) {
		t.Fatal("the key is printed")
	}
}
