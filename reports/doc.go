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
// The run directory:
//
//	events.jsonl   one Event per line, as the run goes     (Dir)
//	stats.jsonl    one Sample per line, "kind":"stats"      (Dir)
//	run.json       RunInfo: checks, health, shards          (WriteRunInfo)
//	summary.json   aggregates                               (reports/summary via reports/render)
//	junit.xml      one test case per check                  (reports/junit via reports/render)
//	report.html    self-contained report                    (reports/html via reports/render)
//
// Dir is the streaming Sink (bounded queue, one writer goroutine, flushed
// every 500 ms, drops counted, never silent); Load reads a directory back
// into a Dataset, tolerating a killed run's truncated last line. The
// subpackages compute and render; reports/render ties them together
// (Finish, Render, Merge).
//
// This root package depends only on the standard library.
package reports
