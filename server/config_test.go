package server

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	t.Parallel()
	good := "listen: 127.0.0.1:7880\nadminToken: t\napps:\n  - sdkAppID: 1400000000\n    secretKey: k\n    roomPermissions: true\n    maxMembers: 5\n"
	fc, err := ParseConfig([]byte(good), false)
	if err != nil {
		t.Fatal(err)
	}
	if fc.Listen != "127.0.0.1:7880" || len(fc.Apps) != 1 || !fc.Apps[0].RoomPermissions || fc.Apps[0].MaxMembers != 5 {
		t.Fatalf("parsed %+v", fc)
	}
	var c Config
	fc.Apply(&c)
	if c.AdminToken != "t" || len(c.Apps) != 1 {
		t.Fatalf("applied %+v", c)
	}
	if strings.Contains(fc.Apps[0].String(), "k\"") || strings.Contains(fc.Apps[0].String(), ": k") {
		t.Fatalf("String shows the key: %s", fc.Apps[0])
	}
	for _, c := range []struct {
		name, in string
		json     bool
		want     string
	}{
		{"unknown field", "apps:\n  - sdkAppID: 1\n    secretKey: k\n    colour: red\n", false, "colour"},
		{"no key", "apps:\n  - sdkAppID: 1\n", false, "apps[0]: needs secretKey"},
		{"zero app", "apps:\n  - secretKey: k\n", false, "sdkAppID must be > 0"},
		{"duplicate", "apps:\n  - {sdkAppID: 1, secretKey: a}\n  - {sdkAppID: 1, secretKey: b}\n", false, "listed twice"},
		{"bad yaml", "apps: [", false, "invalid configuration"},
		{"json unknown", `{"listen":"x","extra":1}`, true, "extra"},
		{"json negative", `{"apps":[{"sdkAppID":1,"secretKey":"k","maxMembers":-1}]}`, true, "maxMembers must be >= 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(c.in), c.json)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want ErrConfig mentioning %q", err, c.want)
			}
		})
	}
}

func TestConfigErrorsHideKeys(t *testing.T) {
	t.Parallel()
	_, err := ParseConfig([]byte("apps:\n  - sdkAppID: 1\n    secretKey: hunter2-secret\n    colour: red\n"), false)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error shows the key or is missing: %v", err)
	}
}

func TestLoadConfigFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "c.json")
	if err := os.WriteFile(p, []byte(`{"apps":[{"sdkAppID":7,"secretKey":"k"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	fc, err := LoadConfigFile(p)
	if err != nil || fc.Apps[0].SDKAppID != 7 {
		t.Fatalf("%+v %v", fc, err)
	}
	if _, err := LoadConfigFile(filepath.Join(dir, "none.yaml")); err == nil || !strings.Contains(err.Error(), "none.yaml") {
		t.Fatalf("missing file: %v", err)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("apps:\n  - sdkAppID: 1\n    secretKey: k\n"), false)
	f.Add([]byte(`{"apps":[{"sdkAppID":1,"secretKey":"k"}]}`), true)
	f.Fuzz(func(t *testing.T, b []byte, isJSON bool) {
		fc, err := ParseConfig(b, isJSON)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("error without ErrConfig: %v", err)
			}
			return
		}
		if err := validateApps(fc.Apps); err != nil {
			t.Fatalf("accepted invalid apps: %v", err)
		}
	})
}

func TestConfigLimits(t *testing.T) {
	c, err := Config{}.withDefaults()
	if err != nil || c.EnterTimeout != DefaultEnterTimeout || c.MaxPendingPerAddr != DefaultMaxPendingPerAddr ||
		c.MaxConns != DefaultMaxConns || c.MediaTimeout != DefaultMediaTimeout || c.AnswerTimeout != DefaultAnswerTimeout {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	_, err = Config{EnterTimeout: -1, MaxConns: -2}.withDefaults()
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "EnterTimeout must be >= 0") || !strings.Contains(err.Error(), "MaxConns must be >= 0, got -2") {
		t.Fatalf("negative limits: %v", err)
	}
}

// TestParseLimitsSection: the file's limits: section sets the timeouts and
// caps; bad values are errors naming the key.
func TestParseLimitsSection(t *testing.T) {
	t.Parallel()
	fc, err := ParseConfig([]byte("limits: {enterTimeout: 3s, answerTimeout: 4s, mediaTimeout: 5s, maxPendingPerAddr: 6, maxConns: 7}\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	fc.Apply(&c)
	if c.EnterTimeout != 3*time.Second || c.AnswerTimeout != 4*time.Second || c.MediaTimeout != 5*time.Second ||
		c.MaxPendingPerAddr != 6 || c.MaxConns != 7 {
		t.Fatalf("applied %+v", c)
	}
	for in, want := range map[string]string{
		"limits: {enterTimeout: soon}":    `limits.enterTimeout "soon": want a duration`,
		"limits: {mediaTimeout: 0s}":      "limits.mediaTimeout 0s: want > 0",
		"limits: {answerTimeout: -1s}":    "limits.answerTimeout -1s: want > 0",
		"limits: {maxConns: -3}":          "limits.maxConns -3: want > 0",
		"limits: {maxPending: 3}":         "maxPending",
		`{"limits": {"enterTimeout": 5}}`: "enterTimeout",
	} {
		if _, err := ParseConfig([]byte(in), strings.HasPrefix(in, "{")); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}
