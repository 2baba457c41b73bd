package reports

import "testing"

func TestVerdict(t *testing.T) {
	t.Parallel()
	pass := []Check{{Name: "a", Passed: true}}
	fail := []Check{{Name: "a", Passed: true}, {Name: "b"}}
	over := Health{Overloaded: true}
	for _, tc := range []struct {
		name string
		r    RunInfo
		want Verdict
	}{
		{"passed", RunInfo{Checks: pass}, VerdictPassed},
		{"no checks", RunInfo{}, VerdictPassed},
		{"failed", RunInfo{Checks: fail}, VerdictFailed},
		{"overloaded", RunInfo{Checks: pass, Health: over}, VerdictInconclusive},
		{"overload accepted", RunInfo{Checks: pass, Health: over, OverloadAccepted: true}, VerdictPassed},
		{"failed and overloaded", RunInfo{Checks: fail, Health: over}, VerdictFailed},
		{"interrupted", RunInfo{Checks: pass, Interrupted: true}, VerdictInterrupted},
		{"interrupted beats failed", RunInfo{Checks: fail, Interrupted: true}, VerdictInterrupted},
		{"incomplete", RunInfo{Incomplete: true}, VerdictInterrupted},
		{"error", RunInfo{Error: "unreachable", Interrupted: true}, VerdictNotCarried},
		{"shard overloaded", RunInfo{Shards: []RunInfo{{Checks: pass}, {Health: over}}}, VerdictInconclusive},
		{"shard overload accepted", RunInfo{Shards: []RunInfo{{Checks: pass}, {Health: over, OverloadAccepted: true}}}, VerdictPassed},
		{"shard interrupted", RunInfo{Shards: []RunInfo{{Checks: pass}, {Interrupted: true}}}, VerdictInterrupted},
		{"shard failed", RunInfo{Shards: []RunInfo{{Checks: fail}, {Checks: pass}}}, VerdictFailed},
		{"merged own checks failed", RunInfo{Checks: fail, Shards: []RunInfo{{Checks: pass}}}, VerdictFailed},
	} {
		if got := tc.r.Verdict(); got != tc.want {
			t.Errorf("%s: verdict %q, want %q", tc.name, got, tc.want)
		}
	}
}
