package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// signCommand is a placeholder until its issue lands; it fails loudly.
func signCommand(env Env) *cli.Command {
	return &cli.Command{
		Name:  "sign",
		Usage: "(not built yet)",
		Action: func(*cli.Context) error {
			return withExit(ExitUsage, errors.New("sign: not built yet"))
		},
	}
}
