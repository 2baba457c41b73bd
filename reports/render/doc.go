// Package render turns a run directory's streams into its derived outputs
// and merges run directories.
//
//	Finish(dir, info)      at the end of a run: run.json, then Render
//	Render(dir)            summary.json, junit.xml, report.html from the files
//	Merge(out, dirs...)    shards → one run directory, then Render
//
// Everything derived is recomputed from events.jsonl and stats.jsonl (never
// from another summary), so a re-render after a crash, a merge of shards
// run on several machines and a single run all give the same figures for
// the same lines. Render evaluates nothing itself: assertion results come
// from run.json's Checks, written by the scenario runner.
package render
