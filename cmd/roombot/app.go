package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/roombot/roombot/reports"
)

// Exit codes of every roombot command.
const (
	ExitOK         = 0 // success; all assertions passed
	ExitFailed     = 1 // an assertion failed, or a signature did not verify
	ExitUsage      = 2 // bad flags, bad scenario file
	ExitNotCarried = 3 // the run could not be carried out (target unreachable, …)
	// ExitInconclusive: every assertion passed but the load generator was
	// overloaded, so the figures may describe roombot rather than the
	// server (roombot run --accept-overload makes this 0).
	ExitInconclusive = 4
	// ExitInterrupted: the run was interrupted (SIGINT/SIGTERM, e.g. a CI
	// timeout) or killed before its end; its assertions cover part of it.
	ExitInterrupted = 5
)

// exitOf maps a run's verdict to the exit code.
func exitOf(v reports.Verdict) int {
	switch v {
	case reports.VerdictPassed:
		return ExitOK
	case reports.VerdictFailed:
		return ExitFailed
	case reports.VerdictInconclusive:
		return ExitInconclusive
	case reports.VerdictInterrupted:
		return ExitInterrupted
	}
	return ExitNotCarried
}

// Env is everything a command may touch of the process: tests inject their
// own (k6's GlobalState idea), main passes the real one.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Interrupt returns a channel that receives on SIGINT/SIGTERM, and a stop
	// function that releases it.
	Interrupt func() (<-chan os.Signal, func())
}

// OSEnv is the real process environment.
func OSEnv() Env {
	return Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv,
		Interrupt: func() (<-chan os.Signal, func()) {
			ch := make(chan os.Signal, 2)
			signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
			return ch, func() { signal.Stop(ch) }
		},
	}
}

// exitError carries an exit code from a command to Main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withExit attaches an exit code to err (nil stays nil).
func withExit(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// NewApp builds the roombot CLI on env.
func NewApp(env Env) *cli.App {
	return &cli.App{
		Name:                 "roombot",
		Usage:                "headless WebRTC room participants, a reference room service, scenarios and reports",
		Reader:               env.Stdin,
		Writer:               env.Stdout,
		ErrWriter:            env.Stderr,
		EnableBashCompletion: true,
		HideHelpCommand:      true,
		Version:              version(),
		ExitErrHandler:       func(*cli.Context, error) {}, // Main decides exit codes
		Action:               noCommand,
		Flags:                []cli.Flag{cli.HelpFlag}, // the own help command displaces urfave's, and its flag
		Commands: []*cli.Command{
			helpCommand(),
			runCommand(env),
			joinCommand(env),
			serveCommand(env),
			reportCommand(env),
			signCommand(env),
			replayCommand(env),
		},
	}
}

// Main runs the CLI with args and returns the process exit code.
func Main(args []string, env Env) int {
	app := NewApp(env)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := app.RunContext(ctx, args)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		fmt.Fprintf(env.Stderr, "roombot: %v\n", ee.err)
		return ee.code
	}
	var ce cli.ExitCoder
	if errors.As(err, &ce) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(env.Stderr, "roombot: %s\n", msg)
		}
		return ce.ExitCode()
	}
	// Anything else from urfave/cli is a usage error (unknown flag, …).
	fmt.Fprintf(env.Stderr, "roombot: %v\n", err)
	return ExitUsage
}
