package summary

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/roombot/roombot/reports"
)

// overloadedShards names the shards whose generator was overloaded.
func overloadedShards(h Health) []string {
	var out []string
	for _, s := range h.Shards {
		if s.Overloaded {
			out = append(out, s.Shard)
		}
	}
	return out
}

// shardNotes checks that merged shards of a split scenario make the
// whole scenario (every index of one split, once) and that their
// timelines began together; it says in words what is wrong or how close
// they were.
func shardNotes(runs []reports.RunInfo) []string {
	var notes []string
	var parts []reports.RunInfo
	for _, r := range runs {
		if r.Part != nil {
			parts = append(parts, r)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	if len(parts) < len(runs) {
		notes = append(notes, fmt.Sprintf("%d of the %d merged runs are not shards of a split scenario", len(runs)-len(parts), len(runs)))
	}
	n, by := parts[0].Part.Count, parts[0].Part.By
	seen := map[int][]string{}
	for _, r := range parts {
		if r.Part.Count != n || r.Part.By != by || r.Seed != parts[0].Seed || r.Name != parts[0].Name {
			notes = append(notes, fmt.Sprintf("%s is shard %d/%d by %s of %q seed %d, but %s is of a %d-way split by %s of %q seed %d: they are not parts of one run",
				r.Shard, r.Part.Index, r.Part.Count, r.Part.By, r.Name, r.Seed, parts[0].Shard, n, by, parts[0].Name, parts[0].Seed))
			return notes
		}
		seen[r.Part.Index] = append(seen[r.Part.Index], r.Shard)
	}
	var missing, twice []string
	for i := range n {
		switch len(seen[i]) {
		case 0:
			missing = append(missing, fmt.Sprint(i))
		case 1:
		default:
			twice = append(twice, fmt.Sprintf("%d (%s)", i, strings.Join(seen[i], ", ")))
		}
	}
	if len(missing) > 0 {
		notes = append(notes, fmt.Sprintf("incomplete: shard %s of %d missing, so the merged run does not play the whole scenario", strings.Join(missing, ", "), n))
	}
	if len(twice) > 0 {
		notes = append(notes, fmt.Sprintf("shard %s merged more than once: its users count twice", strings.Join(twice, "; ")))
	}
	return append(notes, startNote(parts)...)
}

// startNote says how far apart the shards' timelines began, by the
// reference clock each measured its offset against.
func startNote(parts []reports.RunInfo) []string {
	var begun []time.Time
	var unmeasured []string
	errMs := 0.0
	for _, r := range parts {
		s := r.Start
		if s == nil || s.Via == "" {
			return []string{"the shards had no common start (--start-at or --barrier): their timelines, and so the merged windows, may not line up"}
		}
		begun = append(begun, s.At.Add(time.Duration(s.LagMs*float64(time.Millisecond))))
		if s.Clock == nil || s.Clock.Error != "" {
			unmeasured = append(unmeasured, r.Shard)
		} else {
			errMs = max(errMs, s.Clock.ErrorMs)
		}
	}
	slices.SortFunc(begun, func(a, b time.Time) int { return a.Compare(b) })
	spread := begun[len(begun)-1].Sub(begun[0])
	clock := fmt.Sprintf("by the target's clock (each shard's offset measured to ±%.1f ms)", errMs)
	if len(unmeasured) > 0 {
		clock = fmt.Sprintf("by each machine's own clock (no offset measured on %s: the figure assumes synchronised clocks)", strings.Join(unmeasured, ", "))
	}
	// Each start is known to ±errMs by the reference clock, so the true
	// spread may be up to 2·errMs more than measured.
	worst := float64(spread)/float64(time.Millisecond) + 2*errMs
	within := "within"
	if worst > float64(reports.MaxStartSpread.Milliseconds()) {
		within = "NOT within"
	}
	return []string{fmt.Sprintf("the shards' timelines began %.1f ms apart (at most %.1f ms), %s the %d ms allowed, %s",
		float64(spread)/float64(time.Millisecond), worst, within, reports.MaxStartSpread.Milliseconds(), clock)}
}
