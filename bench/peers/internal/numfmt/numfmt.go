// Package numfmt formats the numbers of the reports: the tables of
// cmd/results and the labels of cmd/chart show them the same way.
package numfmt

import (
	"fmt"
	"math"
)

// MBps formats a throughput in MB/s with three significant digits or
// more, and thousands separators.
func MBps(v float64) string {
	switch {
	case v >= 100:
		return Commas(int64(math.Round(v)))
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// Commas formats n with thousands separators.
func Commas(n int64) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
