package live

import "errors"

// ErrNotCarried is wrapped by errors that stopped the run from being
// carried out at all (target unreachable, no secret, cannot write the run
// directory): exit code 3 on the command line.
var ErrNotCarried = errors.New("the run could not be carried out")

// ErrUsage is wrapped by errors in how the run was asked for (a missing
// environment variable the scenario names): exit code 2.
var ErrUsage = errors.New("usage")
