package peers

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no goroutine outlives the tests and benchmarks:
// LaunchDarkly's Decoder and r3labs' Client each start one per stream,
// which must end with the stream.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
