//go:build unix

package loadtest

import (
	"fmt"
	"syscall"
)

// raiseNoFile raises this process's soft limit on open files to its hard
// limit (which only a privileged process could raise), and fails when
// that is less than need.
func raiseNoFile(need int) error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return err
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			return err
		}
	}
	if l.Cur < uint64(need) {
		return fmt.Errorf("the open-file limit is %d, want at least %d", l.Cur, need)
	}
	return nil
}

// cpuSeconds returns the CPU time, user and system, this process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// smallReceiveBuffer is a net.Dialer Control function that sets a socket's
// receive buffer to its minimum before it connects, so its TCP window
// stays small.
func smallReceiveBuffer(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
	})
	if err != nil {
		return err
	}
	return serr
}
