package sse

// GeneralOnly makes s take every line through the general path, never the
// fast path of scan_fast.go, so tests can compare the two.
func GeneralOnly(s *Scanner) { s.generalOnly = true }
