package main

import (
	"fmt"

	"github.com/roombot/roombot/scenario/live"
)

// SecretEnv is the one environment variable every command reads the app
// secret from (run, join, serve, sign). legacySecretEnv, the name scenarios
// used to read, still works with a deprecation warning.
const (
	SecretEnv       = live.DefaultSecretEnv
	legacySecretEnv = "ROOMBOT_SECRET"
)

// getenv reads k from the environment ("" without one). A lookup of
// SecretEnv falls back to legacySecretEnv, warning on stderr (the value is
// never printed).
func (env Env) getenv(k string) string {
	if env.Getenv == nil {
		return ""
	}
	v := env.Getenv(k)
	if v == "" && k == SecretEnv {
		if v = env.Getenv(legacySecretEnv); v != "" && env.Stderr != nil {
			fmt.Fprintf(env.Stderr, "roombot: $%s is deprecated: name the app secret $%s\n", legacySecretEnv, SecretEnv)
		}
	}
	return v
}
