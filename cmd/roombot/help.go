package main

import (
	"fmt"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// helpCommand is `roombot help [COMMAND]`: the usage, exit 0; an unknown
// command is a usage error.
func helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the commands, or one command's help",
		ArgsUsage: "[COMMAND]",
		Action: func(c *cli.Context) error {
			name := c.Args().First()
			if name == "" {
				return cli.ShowAppHelp(c)
			}
			if c.App.Command(name) == nil {
				return unknownCommand(c, name)
			}
			return cli.ShowCommandHelp(c.Lineage()[1], name) // the app's context: its commands
		},
	}
}

// noCommand runs when the first argument names no command (or there is
// none): the usage on stderr and exit 2.
func noCommand(c *cli.Context) error {
	if name := c.Args().First(); name != "" {
		return unknownCommand(c, name)
	}
	c.App.Writer = c.App.ErrWriter
	_ = cli.ShowAppHelp(c)
	return withExit(ExitUsage, fmt.Errorf("no command given (roombot help lists them)"))
}

func unknownCommand(c *cli.Context, name string) error {
	c.App.Writer = c.App.ErrWriter
	_ = cli.ShowAppHelp(c)
	return withExit(ExitUsage, fmt.Errorf("unknown command %q (roombot help lists the commands)", name))
}

// buildVersion is set at link time: go build -ldflags "-X main.buildVersion=v1.2.3".
var buildVersion string

// version is buildVersion, else the module version and VCS revision Go
// recorded in the binary, else "devel".
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " (" + s.Value[:12] + ")"
		}
	}
	return v
}

// noSubcommand is the Action of a command made of subcommands (sign): its
// help without arguments, a usage error for an unknown subcommand.
func noSubcommand(c *cli.Context) error {
	name := c.Args().First()
	if name == "" {
		return cli.ShowSubcommandHelp(c)
	}
	c.App.Writer = c.App.ErrWriter
	_ = cli.ShowSubcommandHelp(c)
	return withExit(ExitUsage, fmt.Errorf("unknown command \"%s %s\" (roombot %s --help lists them)", c.Command.Name, name, c.Command.Name))
}
