package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// reportCommand is a placeholder until its issue lands; it fails loudly.
func reportCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error {
			return withExit(ExitUsage, errors.New("report: not built yet"))
		},
	}
}
