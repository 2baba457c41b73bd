package main

import (
	"strings"
	"testing"
)

// TestOneSecretVariable: run, sign (and so join and serve, which share the
// lookup) read the app secret from $ROOMBOT_SECRET_KEY; the old scenario
// name $ROOMBOT_SECRET still works with a deprecation warning, and neither
// value is ever printed.
func TestOneSecretVariable(t *testing.T) {
	t.Parallel()
	const secret = "s3cret-value-9d2"
	f := unreachableScenario(t)
	for _, name := range []string{SecretEnv, legacySecretEnv} {
		env := Env{Getenv: func(k string) string { return map[string]string{name: secret}[k] }}
		code, stdout, stderr := runRun(t, env, f, "--out", t.TempDir())
		if code != ExitNotCarried || !strings.Contains(stderr, "unreachable") || strings.Contains(stdout+stderr, secret) {
			t.Errorf("run with $%s: exit %d (want %d: the secret found, the target unreachable), %q", name, code, ExitNotCarried, stderr)
		}
		if warned := strings.Contains(stderr, "deprecated"); warned != (name == legacySecretEnv) {
			t.Errorf("run with $%s: deprecation warning %t: %q", name, warned, stderr)
		}
		r := signRun(t, map[string]string{name: secret}, "", "sign", "usersig", "--sdkappid", "1400000000", "--userid", "a", "--expire", "60")
		if r.code != ExitOK || r.stdout == "" || strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("sign usersig with $%s: %+v", name, r)
		}
	}
	if code, _, stderr := runRun(t, Env{}, f); code != ExitUsage || !strings.Contains(stderr, "$"+SecretEnv) {
		t.Errorf("no secret: exit %d, %q", code, stderr)
	}
}
