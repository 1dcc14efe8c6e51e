//go:build unix

package hub

import (
	"errors"
	"net"
	"syscall"
	"time"
)

// canTakeover says whether connections can be taken over on this system:
// written to without blocking through their file descriptor.
const canTakeover = true

// rawConn returns the raw connection of conn, if it has one.
func rawConn(conn net.Conn) (syscall.RawConn, bool) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil, false
	}
	raw, err := sc.SyscallConn()
	return raw, err == nil
}

// rawIO makes single non-blocking attempts at a socket, with no allocation
// per call: a shard's own, used by its goroutine only.
type rawIO struct {
	buf    []byte
	n      int
	err    error
	hup    bool
	peek   [1]byte
	writeF func(uintptr) bool
	peekF  func(uintptr) bool
}

func (r *rawIO) init() {
	r.writeF = r.writeFD
	r.peekF = r.peekFD
}

// write writes as much of b as the socket takes now, and returns how much
// that was; a full socket is not an error.
func (r *rawIO) write(raw syscall.RawConn, b []byte) (int, error) {
	r.buf, r.n, r.err = b, 0, nil
	err := raw.Write(r.writeF)
	r.buf = nil
	if err == nil {
		err = r.err
	}
	return r.n, err
}

// writeFD is write's attempt; it always returns true, so that the
// runtime never waits for the socket.
func (r *rawIO) writeFD(fd uintptr) bool {
	for r.n < len(r.buf) {
		m, err := syscall.Write(int(fd), r.buf[r.n:])
		if m > 0 {
			r.n += m
		}
		switch {
		case err == syscall.EINTR:
		case err == syscall.EAGAIN || (err == nil && m <= 0):
			return true
		case err != nil:
			r.err = err
			return true
		}
	}
	return true
}

// hungUp reports whether the client closed its end of the connection (or
// it failed): a read finds its end, without waiting and without taking
// any byte.
func (r *rawIO) hungUp(raw syscall.RawConn) bool {
	r.hup = false
	if err := raw.Read(r.peekF); err != nil {
		return true
	}
	return r.hup
}

func (r *rawIO) peekFD(fd uintptr) bool {
	for {
		n, _, err := syscall.Recvfrom(int(fd), r.peek[:], syscall.MSG_PEEK)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
		case err != nil || n == 0:
			r.hup = true
		}
		return true
	}
}

// drain writes s.pending, waiting for the socket to take it: the one
// place a goroutine waits on a subscriber, and only while it is parked.
// It returns early, with nil, when s ends.
func drain(s *subscriber) error {
	var werr error
	err := s.raw.Write(func(fd uintptr) bool {
		for len(s.pending) > 0 {
			if s.ended.Load() {
				return true
			}
			m, err := syscall.Write(int(fd), s.pending)
			if m > 0 {
				s.pending = s.pending[m:]
			}
			switch {
			case err == syscall.EINTR:
			case err == syscall.EAGAIN || (err == nil && m <= 0):
				return false // wait until writable
			case err != nil:
				werr = err
				return true
			}
		}
		return true
	})
	if err == nil {
		err = werr
	}
	return err
}

// closeConn ends the response on s's connection, when it can without
// waiting, and closes it. A stalled client's connection is reset rather
// than left to the kernel to flush.
func closeConn(s *subscriber, reason error) {
	if errors.Is(reason, ErrSlow) {
		if tc, ok := s.conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
	} else if !errors.Is(reason, ErrClientGone) && len(s.pending) == 0 {
		var end []byte
		if s.head != nil {
			end = s.head
		}
		if s.chunked {
			end = append(end, "0\r\n\r\n"...)
		}
		if len(end) > 0 {
			s.conn.SetWriteDeadline(time.Time{})
			var r rawIO
			r.init()
			r.write(s.raw, end)
		}
	}
	s.conn.Close()
}
