package live

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/scenario"
)

// TestExampleScenarios plays fixtures/scenarios/*.yaml for real, as CI
// does with `make test`. customer-repro must pass whole (its assertions
// are on events). ci-smoke must pass whole unless the run says the machine
// or generator was overloaded, in which case only its quality checks may
// fail and the failures are logged. capacity exists to find a limit: it
// must be carried out, every join must succeed and the report must be
// complete; its per-stage quality checks are logged.
func TestExampleScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("plays the example scenarios for about two minutes")
	}
	quality := map[string]bool{"metric:loss": true, "metric:freezes": true, "metric:fps": true, "metric:ttff": true,
		"metric:action_lag": true, "metric:bitrate_in": true, "metric:jitter": true, "metric:join_time": true}
	for _, tc := range []struct {
		file   string
		strict bool // every check must pass (unless overloaded, for quality checks)
	}{
		{"customer-repro.yaml", true},
		{"customer-replay.yaml", true}, // built by roombot replay from fixtures/logs/teacher-1307.log
		{"network-drop.yaml", true},
		{"ci-smoke.yaml", true},
		{"capacity.yaml", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			c, err := scenario.Load(filepath.Join("..", "..", "fixtures", "scenarios", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "run")
			o, err := Run(context.Background(), c, Options{Out: out})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{reports.RunFile, reports.SummaryFile, reports.JUnitFile, reports.HTMLFile} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Error(err)
				}
			}
			h := o.Info.Health
			t.Logf("health: cpu avg %.0f%% max %.0f%%, action lag p99 %.1f ms, media lag p99 %.1f ms, overloaded %v %v",
				h.CPUPctAvg, h.CPUPctMax, h.ActionLagP99Ms, h.MediaLagP99Ms, h.Overloaded, h.Notes)
			for _, ch := range o.Info.Checks {
				isQuality := quality["metric:"+ch.Metric]
				switch {
				case ch.Passed:
					t.Logf("PASS %s: %s", ch.Name, ch.Message)
				case ch.Metric == "join_success_rate" || (tc.strict && !(isQuality && h.Overloaded)):
					t.Errorf("FAIL %s: %s", ch.Name, ch.Message)
				default:
					t.Logf("FAIL (tolerated: %s) %s: %s", map[bool]string{true: "generator overloaded", false: "capacity stage"}[tc.strict], ch.Name, ch.Message)
				}
			}
		})
	}
}
