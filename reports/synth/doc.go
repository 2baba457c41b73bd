// Package synth writes realistic synthetic run directories (run.json,
// events.jsonl, stats.jsonl in the shape bots write them) for benchmarks
// and equivalence tests of the report path: 1,000 bots × 600 s in rooms of
// six is what issue 12 sizes `roombot report` for.
package synth
