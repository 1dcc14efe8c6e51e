//go:build linux

package sse

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// cpuClock times work on the CPU clock of the thread it runs on, which
// counts only the time this thread ran. threadClock locks the calling
// goroutine to its thread until release.
type cpuClock struct{}

func threadClock() cpuClock {
	runtime.LockOSThread()
	return cpuClock{}
}

func (cpuClock) release() { runtime.UnlockOSThread() }

// time returns the thread CPU time fn took, or 0 if the clock failed.
func (cpuClock) time(fn func()) time.Duration {
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
