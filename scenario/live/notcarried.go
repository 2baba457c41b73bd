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
// returns err; a usage error (exit 2) writes nothing. Errors reaching here
// name targets redacted and never hold a secret.
func notCarried(c *scenario.Config, out string, started time.Time, err error) error {
	if !errors.Is(err, ErrNotCarried) {
		return err
	}
	dir, derr := reports.Create(out)
	if derr != nil {
		return errors.Join(err, derr)
	}
	if derr := dir.Close(); derr != nil {
		return errors.Join(err, derr)
	}
	info := reports.RunInfo{Name: c.Name, Scenario: c.File(), Target: targetName(c), Seed: c.Seed,
		Started: started, Ended: time.Now().UTC(), Error: strings.TrimPrefix(err.Error(), ErrNotCarried.Error()+": ")}
	if _, derr := render.Finish(out, info); derr != nil {
		return errors.Join(err, derr)
	}
	return err
}

// targetName is "embedded" or the redacted target URL.
func targetName(c *scenario.Config) string {
	if c.Target.Embedded() {
		return "embedded"
	}
	return redact(c.Target.URL)
}
