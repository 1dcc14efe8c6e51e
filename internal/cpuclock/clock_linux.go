//go:build linux

package cpuclock

import (
	"time"

	"golang.org/x/sys/unix"
)

// isThreadClock: Time measures the thread's CPU time.
const isThreadClock = true

func threadTime(fn func()) time.Duration {
	var t0, t1 unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &t0) != nil {
		return 0
	}
	fn()
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &t1) != nil {
		return 0
	}
	return time.Duration(t1.Nano() - t0.Nano())
}
