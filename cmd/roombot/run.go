package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// runCommand is a placeholder until its issue lands; it fails loudly.
func runCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error {
			return withExit(ExitUsage, errors.New("run: not built yet"))
		},
	}
}
