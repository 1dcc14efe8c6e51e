//go:build !linux

package sse

import "time"

// cpuClock times work on the wall clock where no per-thread CPU clock is
// at hand.
type cpuClock struct{}

func threadClock() cpuClock { return cpuClock{} }

func (cpuClock) release() {}

func (cpuClock) time(fn func()) time.Duration {
	t0 := time.Now()
	fn()
	return time.Since(t0)
}
