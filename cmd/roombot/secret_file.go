package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// readSecretFile reads a key or token from a file (trimmed; empty is an
// error). The flag name is for messages; the content is never printed.
func readSecretFile(flag, path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", flag, err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("%s %s: empty", flag, path)
	}
	return s, nil
}

// fileOrEnv is the secret in the file named by --flag, else $envName.
func fileOrEnv(c *cli.Context, env Env, flag, envName string) (string, error) {
	if f := c.String(flag); f != "" {
		return readSecretFile("--"+flag, f)
	}
	return env.getenv(envName), nil
}
