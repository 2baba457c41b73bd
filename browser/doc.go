// Package browser is a real browser in the room: headless Chromium, driven
// over the DevTools protocol (chromedp), opens the reference service's web
// room page (server/web, docs/web.md) with a fake camera and microphone and
// plays a participant's actions through the page's window.roombot API.
//
// A Browser satisfies scenario.Participant, so a scenario group of
// kind: browser runs next to bots. Its events and once-a-second getStats
// samples go to the same reports.Sink, with the bots' event names and stats
// field names (docs/events.md says where a browser's figures differ).
//
// Cost: about a core per browser while it sends and decodes video (Chromium
// encodes its fake camera and decodes every remote video). Chromium is found
// at $ROOMBOT_CHROMIUM or as chromium, chromium-browser, google-chrome on
// $PATH; without it New fails with ErrNoChromium.
package browser
