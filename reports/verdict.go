package reports

import (
	"errors"
	"os"
)

// Verdict is what a run amounts to for CI: one word, one exit code.
type Verdict string

// Verdicts, strongest first: a run that could not be carried out, or was
// interrupted or killed before its end, says nothing about the server; a
// failed assertion is a failure even on an overloaded generator; an
// overloaded generator makes passing figures inconclusive (they may
// describe roombot, not the server) unless the overload was accepted.
const (
	VerdictNotCarried   Verdict = "not carried out" // RunInfo.Error
	VerdictInterrupted  Verdict = "interrupted"     // stopped by a signal, or killed (no run.json)
	VerdictFailed       Verdict = "failed"          // an assertion failed
	VerdictInconclusive Verdict = "inconclusive"    // the generator was overloaded
	VerdictPassed       Verdict = "passed"
)

// Verdict judges the run (a merged run: its own checks and every shard).
func (r RunInfo) Verdict() Verdict {
	runs := append([]RunInfo{r}, r.Shards...)
	has := func(f func(RunInfo) bool) bool {
		for _, x := range runs {
			if f(x) {
				return true
			}
		}
		return false
	}
	switch {
	case has(func(x RunInfo) bool { return x.Error != "" }):
		return VerdictNotCarried
	case has(func(x RunInfo) bool { return x.Interrupted || x.Incomplete }):
		return VerdictInterrupted
	case has(func(x RunInfo) bool { return x.failedChecks() > 0 }):
		return VerdictFailed
	case has(RunInfo.overloadCounts):
		return VerdictInconclusive
	}
	return VerdictPassed
}

func (r RunInfo) failedChecks() int {
	n := 0
	for _, c := range r.Checks {
		if !c.Passed {
			n++
		}
	}
	return n
}

// overloadCounts reports whether r's own overload makes it inconclusive.
// A merged run's Health is its shards' worst, judged through the shards.
func (r RunInfo) overloadCounts() bool {
	return r.Health.Overloaded && !r.OverloadAccepted && len(r.Shards) == 0
}

// VerdictOf judges the run directory dir by its run.json; a directory
// without one is a killed run (VerdictInterrupted).
func VerdictOf(dir string) (RunInfo, Verdict, error) {
	info, err := ReadRunInfo(dir)
	if errors.Is(err, os.ErrNotExist) {
		r := RunInfo{Incomplete: true}
		return r, r.Verdict(), nil
	}
	if err != nil {
		return RunInfo{}, "", err
	}
	return *info, info.Verdict(), nil
}
