// Package prom is a live output of a run for Prometheus: a reports.Sink
// (and reports.TickSink) that the runner feeds alongside the run
// directory, kept in a private registry and served as /metrics while the
// run goes (k6's "outputs" are sinks of the same stream).
//
// Every series is labelled by scenario and shard (constant labels) and by
// group, never by user or room, so that the number of series stays bounded
// by the scenario's groups however many bots run. Figures are the run
// directory's, counted the same way: joins and errors from events (as the
// summary counts them), per bot-second histograms from samples (loss only
// over seconds that expected packets, frame rate per received video
// track), generator health from the runner's once-a-second tick.
package prom
