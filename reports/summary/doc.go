// Package summary aggregates a run's lines (streamed into an Acc, or a
// loaded Dataset) into summary.json: run, room and user level join
// figures, events by code, stats aggregates, assertion results and the
// generator's health.
//
// Percentiles are exact, computed over every stored value (nearest-rank:
// the smallest value with at least p% of values at or below it), not
// estimated with a histogram. A run's values fit in memory, held once as
// reports.Columns (about 150 bytes per bot-second in rooms of six: 1,000
// bots × 10 minutes is about 90 MB), exact figures carry no bucket error, and —
// the point — the percentile of a merged run is by construction the
// percentile over the union of its shards' values, which a merge of
// summaries or of fixed-precision histograms would only approximate.
package summary
