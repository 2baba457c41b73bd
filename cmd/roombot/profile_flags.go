package main

import "github.com/urfave/cli/v2"

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
