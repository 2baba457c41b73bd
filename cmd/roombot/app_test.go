package main

import (
	"strings"
	"testing"
)

// TestTopLevelUsage: an unknown command is a usage error (exit 2) that
// prints the usage; help is there when asked for; --version prints the
// version.
func TestTopLevelUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args       []string
		code       int
		out, noOut string
	}{
		{[]string{"bogus"}, ExitUsage, `unknown command "bogus"`, "No help topic"},
		{[]string{}, ExitUsage, "USAGE:", "No help topic"},
		{[]string{"help"}, ExitOK, "COMMANDS:", "No help topic"},
		{[]string{"help", "run"}, ExitOK, "roombot run", "No help topic"},
		{[]string{"help", "bogus"}, ExitUsage, `unknown command "bogus"`, "No help topic"},
		{[]string{"--help"}, ExitOK, "COMMANDS:", ""},
		{[]string{"sign", "bogus"}, ExitUsage, `unknown command "sign bogus"`, "No help topic"},
		{[]string{"sign"}, ExitOK, "privatemapkey", ""},
		{[]string{"--version"}, ExitOK, "roombot version ", ""},
	} {
		code, stdout, stderr := reportRun(t, tc.args...)
		all := stdout + stderr
		if code != tc.code || !strings.Contains(all, tc.out) || tc.noOut != "" && strings.Contains(all, tc.noOut) {
			t.Errorf("roombot %v: exit %d (want %d)\nstdout %s\nstderr %s", tc.args, code, tc.code, stdout, stderr)
		}
	}
}
