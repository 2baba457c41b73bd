package render

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/summary"
)

// TestMergeEqualsSumOfParts merges two shards (with the same bot names) and
// checks that counts add up and percentiles equal those over the union.
func TestMergeEqualsSumOfParts(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	a, b, out := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "merged")
	record(t, a, 7, 10, 50)
	record(t, b, 5, 8, 200)
	sa, err := Finish(a, info("smoke", 50))
	if err != nil {
		t.Fatal(err)
	}
	ib := info("smoke", 200)
	ib.Shard = "machine-b"
	sb, err := Finish(b, ib)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := Merge(out, a, b)
	if err != nil {
		t.Fatal(err)
	}
	// counts add up
	add := []struct {
		name         string
		merged, x, y int64
	}{
		{"event lines", int64(sm.Run.EventLines), int64(sa.Run.EventLines), int64(sb.Run.EventLines)},
		{"stats lines", int64(sm.Run.StatsLines), int64(sa.Run.StatsLines), int64(sb.Run.StatsLines)},
		{"users", int64(sm.Run.Users), int64(sa.Run.Users), int64(sb.Run.Users)},
		{"attempts", int64(sm.Joins.Attempts), int64(sa.Joins.Attempts), int64(sb.Joins.Attempts)},
		{"entered", int64(sm.Joins.Entered), int64(sa.Joins.Entered), int64(sb.Joins.Entered)},
		{"failed", int64(sm.Joins.Failed), int64(sa.Joins.Failed), int64(sb.Joins.Failed)},
		{"errors", int64(sm.Events.Errors), int64(sa.Events.Errors), int64(sb.Events.Errors)},
		{"freezes", int64(sm.Stats.FreezeN), int64(sa.Stats.FreezeN), int64(sb.Stats.FreezeN)},
		{"rx packets", sm.Stats.RxPackets, sa.Stats.RxPackets, sb.Stats.RxPackets},
		{"rx lost", sm.Stats.RxLost, sa.Stats.RxLost, sb.Stats.RxLost},
		{"checks", int64(sm.Checks.Total), int64(sa.Checks.Total), int64(sb.Checks.Total)},
		{"checks failed", int64(sm.Checks.Failed), int64(sa.Checks.Failed), int64(sb.Checks.Failed)},
	}
	for _, c := range add {
		if c.merged != c.x+c.y {
			t.Errorf("%s: merged %d != %d + %d", c.name, c.merged, c.x, c.y)
		}
	}
	for _, cc := range sm.Events.ByCode {
		want := count(sa, cc.Code) + count(sb, cc.Code)
		if cc.Count != want {
			t.Errorf("code %d: merged %d, parts %d", cc.Code, cc.Count, want)
		}
	}
	// percentiles equal those over the union of the parts' raw values
	da, _ := reports.Load(a)
	db, _ := reports.Load(b)
	var join, rtt, rx []float64
	for _, d := range []*reports.Dataset{da, db} {
		for _, e := range d.Events {
			if e.Event == reports.EvEntered {
				join = append(join, e.Value)
			}
		}
		for _, s := range d.Samples {
			rtt = append(rtt, *s.RTTMs)
			rx = append(rx, s.RxKbps)
		}
	}
	for name, c := range map[string][2]summary.Dist{
		"join": {summary.NewDist(join), sm.Joins.JoinMs}, "rtt": {summary.NewDist(rtt), sm.Stats.RTTMs}, "rx": {summary.NewDist(rx), sm.Stats.RxKbps},
	} {
		if diff := cmp.Diff(c[0], c[1]); diff != "" {
			t.Errorf("%s percentiles of the merge differ from the union (-union +merged):\n%s", name, diff)
		}
	}
	// shards are kept apart: both have a u1
	shards := map[string]int{}
	for _, u := range sm.Users {
		if u.User == "u1" {
			shards[u.Shard]++
		}
	}
	if len(shards) != 2 || shards["smoke"] != 1 || shards["machine-b"] != 1 {
		t.Errorf("u1 per shard = %v", shards)
	}
	// one testsuite per shard
	raw, err := os.ReadFile(filepath.Join(out, reports.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	var x struct {
		Tests  int `xml:"tests,attr"`
		Suites []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(raw, &x); err != nil || len(x.Suites) != 2 || x.Tests != 2 || x.Suites[1].Name != "machine-b" {
		t.Errorf("junit: %v %+v", err, x)
	}
	page, err := os.ReadFile(filepath.Join(out, reports.HTMLFile))
	if err != nil || !strings.Contains(string(page), "merged from 2 shards") || !strings.Contains(string(page), "<td>machine-b</td>") {
		t.Errorf("merged report.html does not show its shards (%v)", err)
	}
	if sm.Health.CPUPctMax != 200 || sm.Health.Cores != 4 || len(sm.Health.Shards) != 2 {
		t.Errorf("merged health = %+v", sm.Health)
	}

	// merging a merge with another run flattens it: three shards, same sums
	c := filepath.Join(root, "c")
	record(t, c, 3, 2, 10)
	if _, err := Finish(c, info("smoke", 10)); err != nil {
		t.Fatal(err)
	}
	s3, err := Merge(filepath.Join(root, "merged2"), out, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(s3.Run.Shards) != 3 || s3.Run.Shards[2] != "smoke#2" || s3.Run.StatsLines != sm.Run.StatsLines+(3-1)*2 {
		t.Errorf("merge of a merge: shards %v, stats lines %d", s3.Run.Shards, s3.Run.StatsLines)
	}
}

func count(s *summary.Summary, code int) int {
	for _, c := range s.Events.ByCode {
		if c.Code == code {
			return c.Count
		}
	}
	return 0
}
