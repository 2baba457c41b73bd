package summary

import (
	"strings"
	"testing"
	"time"

	"github.com/roombot/roombot/reports"
)

func TestShardNotes(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	shard := func(i, n int, lagMs, errMs float64) reports.RunInfo {
		return reports.RunInfo{Name: "cap", Seed: 7, Shard: "s" + string(rune('0'+i)),
			Part:  &reports.Part{Index: i, Count: n, By: "room"},
			Start: &reports.Start{Via: "barrier", At: t0, LagMs: lagMs, Clock: &reports.ClockOffset{Ref: "x", ErrorMs: errMs}}}
	}
	for _, tc := range []struct {
		name string
		runs []reports.RunInfo
		want string
	}{
		{"aligned", []reports.RunInfo{shard(0, 3, 1, 0.5), shard(1, 3, 3, 0.2), shard(2, 3, 2, 0.1)},
			"began 2.0 ms apart (at most 3.0 ms), within the 50 ms allowed, by the target's clock"},
		{"late", []reports.RunInfo{shard(0, 2, 1, 0.5), shard(1, 2, 60, 0.5)}, "began 59.0 ms apart (at most 60.0 ms), NOT within"},
		{"clock error", []reports.RunInfo{shard(0, 2, 1, 30), shard(1, 2, 2, 1)}, "(at most 61.0 ms), NOT within"},
		{"missing", []reports.RunInfo{shard(0, 3, 1, 0), shard(2, 3, 1, 0)}, "incomplete: shard 1 of 3 missing"},
		{"twice", []reports.RunInfo{shard(0, 2, 1, 0), shard(1, 2, 1, 0), shard(1, 2, 1, 0)}, "shard 1 (s1, s1) merged more than once"},
		{"other split", []reports.RunInfo{shard(0, 2, 1, 0), shard(1, 3, 1, 0)}, "not parts of one run"},
		{"no start", []reports.RunInfo{shard(0, 2, 1, 0), {Name: "cap", Seed: 7, Shard: "s1", Part: &reports.Part{Index: 1, Count: 2, By: "room"}}},
			"no common start"},
	} {
		notes := strings.Join(shardNotes(tc.runs), "\n")
		if !strings.Contains(notes, tc.want) {
			t.Errorf("%s: notes %q, want %q", tc.name, notes, tc.want)
		}
	}
	if n := shardNotes([]reports.RunInfo{{Name: "a"}, {Name: "b"}}); n != nil {
		t.Errorf("runs that are not shards get notes: %q", n)
	}
	clockless := []reports.RunInfo{shard(0, 2, 1, 0), shard(1, 2, 1, 0)}
	clockless[1].Start.Clock = &reports.ClockOffset{Ref: "embedded", Error: "no shared clock"}
	if n := strings.Join(shardNotes(clockless), ""); !strings.Contains(n, "by each machine's own clock (no offset measured on s1") {
		t.Errorf("unmeasured clock: %q", n)
	}
}

// TestOverloadedShards: a merged summary names the shard whose generator
// was overloaded, not only that one was.
func TestOverloadedShards(t *testing.T) {
	t.Parallel()
	d := &reports.Dataset{Info: reports.RunInfo{Shards: []reports.RunInfo{
		{Shard: "shard-0-of-2", Health: reports.Health{Cores: 2}},
		{Shard: "shard-1-of-2", Health: reports.Health{Cores: 2, Overloaded: true, Notes: []string{"CPU: saturated"}}},
	}}}
	s := Compute(d)
	if !s.Health.Overloaded || len(s.Health.OverloadedShards) != 1 || s.Health.OverloadedShards[0] != "shard-1-of-2" {
		t.Errorf("health %+v: want shard-1-of-2 named overloaded", s.Health)
	}
}
