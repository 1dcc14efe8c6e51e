package bytescan

// archImpls returns the platform's own implementations, tested directly
// besides the dispatching API; the portable code has none beyond it.
func archImpls() []impl { return nil }
