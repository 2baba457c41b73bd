package live

import (
	"context"
	"log/slog"
	"testing"

	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/server"
)

// TestRunSignToken: a scenario against a service whose /api/sign wants a
// token gets in with credentials.sign_token_env, and is refused without.
func TestRunSignToken(t *testing.T) {
	srv, err := server.Start(context.Background(), server.Config{Logger: slog.New(slog.DiscardHandler), SignToken: "tk-41",
		Apps: []server.AppConfig{{SDKAppID: 1400000000, SecretKey: "real-secret"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	file := "target: {url: \"" + srv.SignalURL() + "\"}\nduration: 2s\ncredentials: {sdk_app_id: 1400000000, sign_url: \"" + srv.URL() + "/api/sign\", sign_token_env: MY_SIGN_TOKEN}\n" +
		"groups: [{name: g, count: 1, media: {audio: false, video: false}}]\n" +
		"assertions: [{metric: join_success_rate, expect: \"rate == 1\"}]\n"
	c, err := scenario.Parse("s.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	for token, pass := range map[string]bool{"tk-41": true, "": false} {
		o, err := Run(context.Background(), c, Options{Out: t.TempDir(), Getenv: func(k string) string { return map[string]string{"MY_SIGN_TOKEN": token}[k] }})
		if err != nil {
			t.Fatal(err)
		}
		if o.Passed != pass {
			t.Errorf("token %q: passed %t, want %t: %+v", token, o.Passed, pass, o.Info.Checks)
		}
	}
}
