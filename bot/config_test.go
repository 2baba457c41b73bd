package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/roombot/roombot/signaling"
)

// refusingDriver is the driver of tests that must never reach the room
// service (config and credential failures happen before Join).
type refusingDriver struct{ t *testing.T }

func (d refusingDriver) Join(context.Context, signaling.JoinParams, signaling.Handler) (signaling.Session, error) {
	d.t.Error("Join called, want the bot to fail before entering")
	return nil, errors.New("refused")
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	ok := Config{SDKAppID: 1400000001, UserID: "u1", RoomID: 1234, SecretKey: "k"}
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error; nil means valid
	}{
		{"valid local signing", ok, nil},
		{"valid signing service without userID", Config{SignURL: "http://127.0.0.1:1/api/sign"}, nil},
		{"valid string room", Config{SDKAppID: 1, UserID: "u", StrRoomID: "abc", UserSig: "s"}, nil},
		{"everything wrong", Config{UserID: "bad id!", Beauty: 12, RecvMode: 7, Role: "boss",
			Media: MediaConfig{Codec: "av1", Resolution: "4k", Camera: "side"}},
			[]string{"sdkAppID", "userID", "room", "credentials", "beauty", "role", "recvMode", "codec", "resolution", "camera"}},
		{"bad sign URL", Config{SignURL: "ftp://x"}, []string{"signURL"}},
		{"driver credentials need no secret or app", Config{UserID: "u", RoomID: 1, DriverCredentials: true}, nil},
		{"driver credentials still need a room", Config{UserID: "u", DriverCredentials: true}, []string{"room"}},
		{"both rooms", Config{SDKAppID: 1, UserID: "u", RoomID: 1, StrRoomID: "a", UserSig: "s"}, []string{"both"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted a bad config")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestNewNeedsDriverAndHidesSecret(t *testing.T) {
	t.Parallel()
	const secret = "top-secret-key-value"
	_, err := New(Config{SDKAppID: 1, UserID: "bad id!", RoomID: 1, SecretKey: secret})
	if err == nil {
		t.Fatal("New accepted a config without driver and with a bad userID")
	}
	if !strings.Contains(err.Error(), "driver") {
		t.Errorf("error %q does not say the driver is missing", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error leaks the secret: %q", err)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	b, err := New(Config{SDKAppID: 1, UserID: "u", RoomID: 1, SecretKey: "k"}, WithDriver(refusingDriver{t}))
	if err != nil {
		t.Fatal(err)
	}
	c := b.Config()
	if c.Role != DefaultRole || c.RecvMode != DefaultRecvMode || c.Media.Codec != DefaultCodec ||
		c.Media.Resolution != DefaultResolution || c.Media.Camera != DefaultCamera || c.Privileges != DefaultPrivileges {
		t.Fatalf("defaults not applied: %+v", c)
	}
	if !c.Publishes() || b.Camera() != "front" || b.UserID() != "u" {
		t.Fatalf("Publishes=%v camera=%q user=%q", c.Publishes(), b.Camera(), b.UserID())
	}
	if err := b.SetBeauty(10); err == nil {
		t.Fatal("SetBeauty(10) accepted")
	}
	if err := b.SetBeauty(5); err != nil || b.Beauty() != 5 {
		t.Fatalf("SetBeauty(5): %v, beauty %d", err, b.Beauty())
	}
	if err := b.SetMuted(context.Background(), true); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("SetMuted before Start: %v, want ErrNotStarted", err)
	}
}
