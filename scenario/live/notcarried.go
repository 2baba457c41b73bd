package live

import (
	"errors"
	"strings"
	"time"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/render"
	"github.com/roombot/roombot/scenario"
)

// notCarried writes the run directory of a run that could not be carried
// out (target unreachable, …): empty streams, run.json with the error, and
// the reports, whose junit.xml has the run's <error> (docs/reports.md). It
// returns err, and the Outcome naming the directory when it was written; a
// usage error (exit 2) writes nothing. Errors reaching here name targets
// redacted and never hold a secret.
func notCarried(c *scenario.Config, out string, started time.Time, err error) (*Outcome, error) {
	if !errors.Is(err, ErrNotCarried) {
		return nil, err
	}
	dir, derr := reports.Create(out)
	if derr != nil {
		return nil, errors.Join(err, derr)
	}
	if derr := dir.Close(); derr != nil {
		return nil, errors.Join(err, derr)
	}
	info := reports.RunInfo{Name: c.Name, Scenario: c.File(), Target: targetName(c), Seed: c.Seed,
		Started: started, Ended: time.Now().UTC(), Error: strings.TrimPrefix(err.Error(), ErrNotCarried.Error()+": ")}
	sum, derr := render.Finish(out, info)
	if derr != nil {
		return nil, errors.Join(err, derr)
	}
	return &Outcome{Dir: out, Info: info, Summary: sum}, err
}

// targetName is "embedded" or the redacted target URL.
func targetName(c *scenario.Config) string {
	if c.Target.Embedded() {
		return "embedded"
	}
	return redact(c.Target.URL)
}
