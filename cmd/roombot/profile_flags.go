package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/internal/profile"
)

// The pprof flags of run and report (internal/profile writes the files).
var (
	cpuProfileFlag = &cli.StringFlag{Name: "cpuprofile", Usage: "write a pprof CPU profile of the command to `FILE` (go tool pprof -top FILE)"}
	memProfileFlag = &cli.StringFlag{Name: "memprofile", Usage: "write a pprof heap profile to `FILE` when the command ends"}
)

// profileFlag is the runFlags field of --cpuprofile or --memprofile.
func profileFlag(f *runFlags, name string) *string {
	if name == "--cpuprofile" {
		return &f.cpuProfile
	}
	return &f.memProfile
}

// profiled wraps a command's action with the profiles its --cpuprofile and
// --memprofile flags ask for.
func profiled(name string, action cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		stop, err := profile.Start(c.String("cpuprofile"), c.String("memprofile"))
		if err != nil {
			return withExit(ExitUsage, fmt.Errorf("%s: %w", name, err))
		}
		return errors.Join(action(c), stop())
	}
}
