//go:build !amd64 || purego

package bytescan

import "testing"

// archImpls returns the platform's own implementations, tested directly
// besides the dispatching API; the portable code has none beyond it.
func archImpls() []impl { return nil }

// checkVectorUTF8 checks the vector routine's own answer; there is none.
func checkVectorUTF8(*testing.T, []byte, int) {}
