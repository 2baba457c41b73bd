package server

import (
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/signature"
)

// TestParseSignSection: the config file's sign: section sets the limits of
// /api/sign and its origins; bad values are errors, "none" never becomes
// the default "all", and an expire past the official range is refused.
func TestParseSignSection(t *testing.T) {
	t.Parallel()
	fc, err := ParseConfig([]byte("allowOrigins: [http://127.0.0.1:5173]\nsign: {sdkAppID: 7, token: tk, expire: 1h, privileges: \"enter,recv-audio\", disabled: true}\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	fc.Apply(&c)
	if c.SignSDKAppID != 7 || c.SignToken != "tk" || c.SignExpire != time.Hour || c.SignPrivileges != signature.PrivEnter|signature.PrivRecvAudio ||
		!c.SignDisabled || len(c.AllowOrigins) != 1 {
		t.Fatalf("applied %+v", c)
	}
	for in, want := range map[string]string{
		"sign: {expire: soon}":     `sign.expire "soon"`,
		"sign: {expire: 0s}":       "sign.expire 0s: want 1s..",
		"sign: {expire: 600000h}":  "the official libraries' range",
		"sign: {privileges: none}": "grants nothing",
		"sign: {privileges: fly}":  "sign.privileges",
		"sign: {tokn: x}":          "tokn",
	} {
		if _, err := ParseConfig([]byte(in), false); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}
