//go:build !unix

package hub

import (
	"net"
	"syscall"
)

// canTakeover says whether connections can be taken over on this system:
// not here, where every stream is served by a goroutine of its own.
const canTakeover = false

func rawConn(net.Conn) (syscall.RawConn, bool) { return nil, false }

type rawIO struct{}

func (*rawIO) init()                                      {}
func (*rawIO) write(syscall.RawConn, []byte) (int, error) { return 0, syscall.EINVAL }
func (*rawIO) hungUp(syscall.RawConn) bool                { return true }
func drain(*subscriber) error                             { return syscall.EINVAL }
func closeConn(s *subscriber, _ error)                    { s.conn.Close() }
