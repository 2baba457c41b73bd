package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// serveCommand is a placeholder until its issue lands; it fails loudly.
func serveCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error {
			return withExit(ExitUsage, errors.New("serve: not built yet"))
		},
	}
}
