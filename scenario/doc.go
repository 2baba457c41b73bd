// Package scenario reads, validates, plans and runs roombot scenario files,
// and checks their assertions.
//
// The life of a scenario follows the k6 split between configuration and
// runtime:
//
//	file.yaml ──Parse──▶ *Config ──NewPlan──▶ *Plan ──Runner.Run──▶ run directory
//	                     (pure, validated      (every join and     (events, samples,
//	                      with positions)       action, timed)      checks, health)
//
// Parse decodes the YAML strictly: every unknown key, wrong type, bad
// duration, unknown action, selector that matches no user, or undefined
// group or mark becomes a *ValidationError with its file:line:column and a
// hint, and all of them are reported at once (ValidationErrors) before
// anything connects.
//
// A Plan is computed without running anything: the join time of every bot,
// and the time and target users of every action (timeline steps and the
// seeded random behaviours: the talk model, camera toggles, churn). It can
// be printed (roombot run --dry-run) and tested.
//
// The Runner plays a Plan with one scheduler for all actions (a min-heap of
// due actions and a single timer); actions run on per-bot workers so that a
// slow join never delays another bot's action. It records how late each
// action fired and its own CPU use, and says in the report when the
// generator rather than the server was the bottleneck.
//
// Assertions are evaluated over a Dataset: the events and samples of a run,
// either in memory or loaded from a run directory (events.jsonl,
// stats.jsonl), so a report can be re-evaluated later. The threshold
// language is in package scenario/threshold.
//
// Vocabulary: a group is a set of users with the same settings; a selector
// ("all", "group:hosts", "user:u3", "room:1001", "group:g[1:3]", unions with
// commas) picks users; a mark is a named instant of the run, and a window is
// the time between two marks.
package scenario
