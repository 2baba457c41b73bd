package live

import (
	"fmt"

	"github.com/roombot/roombot/reports/render"
	"github.com/roombot/roombot/scenario"
)

// Reevaluate checks c's assertions again on the run directory dir (a
// finished, killed or merged run), replaces the checks in its run.json and
// re-renders summary.json, junit.xml and report.html. It is what
// `roombot report --scenario FILE DIR` needs: edit a threshold, re-judge a
// run without playing it again.
func Reevaluate(c *scenario.Config, dir string) (*Outcome, error) {
	a, h, err := render.ReadAcc(dir)
	if err != nil {
		return nil, err
	}
	info := h.Info
	if info.Name == "" {
		info.Name = c.Name
	}
	info.Checks = scenario.EvaluateColumns(c, info, a.Columns)
	sum, err := render.FinishAcc(dir, info, h.Notes, a)
	if err != nil {
		return nil, fmt.Errorf("rendering reports: %w", err)
	}
	o := &Outcome{Dir: dir, Info: info, Summary: sum, Passed: true}
	for _, ch := range info.Checks {
		o.Passed = o.Passed && ch.Passed
	}
	return o, nil
}
