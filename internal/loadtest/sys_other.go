//go:build !unix

package loadtest

import (
	"errors"
	"syscall"
)

var errNotUnix = errors.New("loadtest: needs a Unix system (rlimits, getrusage, socket options)")

func raiseNoFile(int) error                                   { return errNotUnix }
func cpuSeconds() float64                                     { return 0 }
func smallReceiveBuffer(_, _ string, _ syscall.RawConn) error { return errNotUnix }
