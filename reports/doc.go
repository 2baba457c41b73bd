// Package reports holds roombot's result model and its writers.
//
// The model is what every other part produces: an Event (something that
// happened to a bot: a room event with its code, an IM event, a first frame,
// a freeze, an action the runner took) and a Sample (one bot's RTC stats for
// one second). A run streams both into a Sink; the run directory's
// events.jsonl and stats.jsonl are that stream on disk, and every other
// output (summary.json, junit.xml, report.html) is derived from them plus
// the run's RunInfo and assertion Checks, so a report can be rendered again
// or merged from several machines' runs.
//
// This root package depends only on the standard library.
package reports
