package interop

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any goroutine (a server's, a browser
// driver's) outlives the tests.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
