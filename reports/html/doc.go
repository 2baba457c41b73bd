// Package html renders a run as report.html: one self-contained file (inline
// CSS, inline SVG drawn here in Go, a few lines of inline script to sort
// tables; no external URL at all) that opens offline in any browser.
//
// It shows the run info and the generator's health (a banner when the
// generator was overloaded, since then the figures describe roombot rather
// than the server), the assertion table, joins over time, time series of
// bitrate in/out, loss, jitter, RTT, fps, freezes and end-to-end latency as
// a p50 line over a p5–p95 band across bots per second, an event timeline
// with error codes highlighted and labelled with codes.Text, events by code,
// and per-room and per-user tables. To stay readable for 500 bots × 10
// minutes it aggregates per time bucket (a second, wider for long runs) and
// caps table rows with a note pointing at summary.json.
package html
