//go:build !linux

package cpuclock

import "time"

// isThreadClock: Time measures wall time here.
const isThreadClock = false

func threadTime(fn func()) time.Duration {
	t0 := time.Now()
	fn()
	return time.Since(t0)
}
