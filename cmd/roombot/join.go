package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// joinCommand is a placeholder until its issue lands; it fails loudly.
func joinCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:  "join",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error {
			return withExit(ExitUsage, errors.New("join: not built yet"))
		},
	}
}
