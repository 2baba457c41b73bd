package main

import (
	"strings"
	"testing"
)

func TestRunShardFlags(t *testing.T) {
	t.Parallel()
	smoke := "../../fixtures/scenarios/ci-smoke.yaml"
	env := func(idx string) Env {
		return Env{Getenv: func(k string) string {
			if k == JobIndexEnv {
				return idx
			}
			return ""
		}}
	}
	// The part of one shard, before or after the file, as I/N or from the Job's index.
	for _, args := range [][]string{
		{"--dry-run", "--shard", "1/3", smoke},
		{smoke, "--dry-run", "--shard=1/3"},
		{smoke, "--dry-run", "--shards", "3"},
	} {
		code, stdout, stderr := runRun(t, env("1"), args...)
		if code != ExitOK || !strings.Contains(stdout, "shard 1/3 (by room): 3 users in 1 rooms of this scenario") ||
			!strings.Contains(stdout, "host-1002-1") || strings.Contains(stdout, "host-1001-1") {
			t.Errorf("%v: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
	for _, tc := range []struct {
		idx  string
		args []string
		want string
	}{
		{"", []string{smoke, "--dry-run", "--shards", "3"}, "$JOB_COMPLETION_INDEX, which is not set"},
		{"3", []string{smoke, "--dry-run", "--shards", "3"}, "index 3 out of range for 3 shards"},
		{"", []string{smoke, "--dry-run", "--shard", "0/4"}, "4 shards but 3 rooms"},
		{"", []string{smoke, "--dry-run", "--shard", "0/2", "--shard-by", "user"}, "needs a shared target"},
		{"", []string{smoke, "--shard", "0/2", "--shards", "2"}, "not both"},
		{"", []string{smoke, "--shard-by", "user"}, "--shard-by needs --shard"},
		{"", []string{smoke, "--start-at", "9am"}, "want an RFC 3339 time"},
		{"", []string{smoke, "--barrier-timeout", "-1s", "--shard", "0/2"}, "--barrier-timeout \"-1s\": want a duration > 0"},
		{"", []string{smoke, "--barrier-margin", "soon", "--shard", "0/2"}, "--barrier-margin \"soon\": want a duration > 0"},
		{"", []string{smoke, "--barrier", t.TempDir()}, "a barrier needs --shard"},
		{"", []string{smoke, "--shard"}, "--shard needs a value"},
	} {
		code, stdout, stderr := runRun(t, env(tc.idx), tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q (want %q)\n%s", tc.args, code, stderr, tc.want, stdout)
		}
	}
}
