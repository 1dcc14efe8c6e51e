// Package cpuclock times code on the CPU clock of the thread that runs it,
// for the benchmarks that compare two readers side by side on a shared,
// noisy machine: a round times each once, back to back, and the ratios of
// many rounds are summed up by their median and lower quartile, which a
// neighbour's burst or a preemption moves far less than it moves wall time.
package cpuclock

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// Lock locks the calling goroutine to its thread, so that Time measures
// one thread's clock, and returns the function that unlocks it.
func Lock() (unlock func()) {
	runtime.LockOSThread()
	return runtime.UnlockOSThread
}

// Time returns the CPU time the calling thread spent in fn (the wall time
// where the system has no per-thread clock), or 0 if the clock failed.
// The caller should hold Lock.
func Time(fn func()) time.Duration {
	return threadTime(fn)
}

// Ratios collects one ratio per round.
type Ratios []float64

// Add appends num/den, unless either is 0 (a failed clock).
func (r *Ratios) Add(num, den time.Duration) {
	if num > 0 && den > 0 {
		*r = append(*r, float64(num)/float64(den))
	}
}

// Quantile returns the ratio at q (0 ≤ q < 1) of the way from the
// smallest to the largest, by rank: 0.5 is the median (the upper one of an
// even count), 0.25 the lower quartile. It returns 0 when there is none.
func (r Ratios) Quantile(q float64) float64 {
	if len(r) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(r))
	return s[min(int(q*float64(len(s))), len(s)-1)]
}

// Report reports the median of the ratios as unit and their lower
// quartile as unit-p25, when there are any.
func (r Ratios) Report(b *testing.B, unit string) {
	if len(r) == 0 {
		return
	}
	b.ReportMetric(r.Quantile(0.5), unit)
	b.ReportMetric(r.Quantile(0.25), unit+"-p25")
}
