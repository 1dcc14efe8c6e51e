package redis

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test must leave no goroutine behind: each Log's tail and PUB/SUB
// listener end with Close, and the test's servers and clients with it.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
