package redis

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test must leave no goroutine behind: each Log's tail and PUB/SUB
// listener end with Close, and the test's servers and clients with it.
//
// One exception, not ours: after failed dials, go-redis's pool probes the
// server from a goroutine (tryDial) that sleeps a second between attempts
// and returns at its next attempt once the client is closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/redis/go-redis/v9/internal/pool.(*ConnPool).tryDial"))
}
