package livekit_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every session's reader, dispatcher and pinger (and the bots' goroutines)
// have ended when the tests return.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
