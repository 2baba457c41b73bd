package browsertest

import (
	"os"
	"testing"

	"github.com/roombot/roombot/browser"
)

// ChromiumPath finds a Chromium binary as roombot's browser participants do
// (browser.FindChromium: $ROOMBOT_CHROMIUM, then the usual names); "" when
// there is none.
func ChromiumPath() string { return browser.FindChromium() }

// RequireChromium returns ChromiumPath for a browser test: without a binary the test is
// skipped, except in CI (CI set), where the browser must be installed and
// the test fails.
func RequireChromium(t testing.TB) string {
	t.Helper()
	bin := ChromiumPath()
	if bin == "" && os.Getenv("CI") != "" {
		t.Fatal("chromium not found in CI: the browser test must run there")
	}
	if bin == "" {
		t.Skip("chromium not found (install it with scripts/test-deps.sh or set ROOMBOT_CHROMIUM); skipping the browser test")
	}
	return bin
}
