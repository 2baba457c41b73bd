package bot

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv(benchServerEnv) == "1" {
		runBenchServer() // BenchmarkBots' server process; never returns
	}
	if os.Getenv(benchReflectEnv) == "1" {
		runReflector() // BenchmarkPacketFloor's reflector; never returns
	}
	goleak.VerifyTestMain(m)
}
