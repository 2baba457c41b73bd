//go:build !live

package bot

import (
	"strings"
	"testing"
)

func TestLiveNeedsBuildTag(t *testing.T) {
	t.Parallel()
	err := Config{SDKAppID: 1, UserID: "u", RoomID: 1, SecretKey: "k", Media: MediaConfig{Live: true}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "-tags live") {
		t.Fatalf("Validate: %v, want a hint about -tags live", err)
	}
}
