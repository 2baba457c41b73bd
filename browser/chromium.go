package browser

import (
	"context"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// FindChromium returns the Chromium binary: $ROOMBOT_CHROMIUM when it is
// set (and "" when it names no executable), else the first of chromium,
// chromium-browser, google-chrome, google-chrome-stable on $PATH, else "".
func FindChromium() string {
	if p := os.Getenv("ROOMBOT_CHROMIUM"); p != "" {
		if found, err := exec.LookPath(p); err == nil {
			return found
		}
		return ""
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// Flags are the Chromium switches every browser runs with: headless, no
// sandbox (roombot runs as root in CI), no GPU, nothing that calls home
// (background networking, component updates, sync, QUIC), a fake camera
// and microphone granted without a prompt, media that plays without a user
// gesture, and real host ICE candidates instead of mDNS names (the
// reference service does not resolve mDNS).
var Flags = []chromedp.ExecAllocatorOption{
	chromedp.Flag("headless", true),
	chromedp.Flag("no-sandbox", true),
	chromedp.Flag("disable-gpu", true),
	chromedp.Flag("no-first-run", true),
	chromedp.Flag("no-default-browser-check", true),
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.Flag("disable-quic", true),
	chromedp.Flag("disable-extensions", true),
	chromedp.Flag("disable-default-apps", true),
	chromedp.Flag("disable-breakpad", true),
	chromedp.Flag("disable-dev-shm-usage", true),
	chromedp.Flag("disable-background-timer-throttling", true),
	chromedp.Flag("disable-renderer-backgrounding", true),
	chromedp.Flag("disable-backgrounding-occluded-windows", true),
	chromedp.Flag("metrics-recording-only", true),
	chromedp.Flag("use-fake-device-for-media-stream", true),
	chromedp.Flag("use-fake-ui-for-media-stream", true),
	chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	chromedp.Flag("disable-features", "WebRtcHideLocalIpsWithMdns,Translate,MediaRouter,OptimizationHints"),
	chromedp.Flag("mute-audio", true),
	chromedp.Flag("hide-scrollbars", true),
	chromedp.Flag("force-color-profile", "srgb"),
	chromedp.Flag("password-store", "basic"),
}

// The window size of every browser.
const defaultWidth, defaultHeight = 1280, 900

// chromium is one running browser process with one tab.
type chromium struct {
	tab           context.Context
	page          string // the page open in the tab
	cancelAlloc   context.CancelFunc
	cancelTab     context.CancelFunc
	userDataDir   string
	removeDataDir bool
}

// launch starts Chromium (bin) with Flags and a fresh user data directory,
// and opens one tab. ctx bounds the whole browser's life.
func launch(ctx context.Context, bin string, width, height int) (*chromium, error) {
	dir, err := os.MkdirTemp("", "roombot-chromium-")
	if err != nil {
		return nil, err
	}
	opts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(bin), chromedp.UserDataDir(dir), chromedp.WindowSize(width, height)}, Flags...)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tab, cancelTab := chromedp.NewContext(actx)
	if err := chromedp.Do(tab); err != nil { // starts the browser
		cancelTab()
		cancelAlloc()
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return &chromium{tab: tab, cancelAlloc: cancelAlloc, cancelTab: cancelTab, userDataDir: dir, removeDataDir: true}, nil
}

// close ends the browser process and removes its data directory.
func (c *chromium) close() {
	c.cancelTab()
	c.cancelAlloc()
	if c.removeDataDir {
		_ = os.RemoveAll(c.userDataDir)
	}
}
