package hub

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// subscriber is one stream: a cursor into the Hub's log, the targets it
// is for (its ID and topics), and its connection.
//
// A stream the Hub took over (conn != nil) is served by its shard: the
// shard alone touches the fields below "owned by the writer", but for
// pending while the subscriber is parked, which the goroutine waiting for
// its socket to drain owns then. Any other stream is served by a
// goroutine of its own (serveStream), which owns them.
type subscriber struct {
	Subscriber
	all bool // Topics is AllTopics

	// Owned by the writer.
	cursor    uint64   // position of the last entry considered
	replayEnd uint64   // Ephemeral entries up to here are not sent
	gen       uint64   // the Hub's lost generation it has been reset for
	intro     []byte   // retry and reset fields to send first
	head      []byte   // the response head, not yet written
	pending   []byte   // bytes not yet written: the socket was full
	broken    bool     // the stream was cut mid-frame: nothing more may be written
	lastWrite int64    // unix nanoseconds of the last write
	lastPeek  int64    // unix nanoseconds of the last hang-up check
	settled   bool     // see shard.pass
	seen      uint64   // the shard's stamp of the last pass that listed it
	idx       int      // index in its shard's subs, -1 once removed
	sh        *shard   // nil when served by a goroutine of its own
	conn      net.Conn // the connection taken over
	raw       syscall.RawConn
	chunked   bool // the body is chunked (HTTP/1.1), else ends at close

	at       atomic.Uint64 // the cursor, as a goroutine serving the stream last set it
	parked   atomic.Bool   // the socket is full: a goroutine waits for it to drain
	parkedAt atomic.Int64  // unix nanoseconds its socket was last found full (0: never)

	endMu  sync.Mutex
	reason error         // why it ended, once it has
	done   chan struct{} // closed when it ends
	rc     *http.ResponseController
	ended  atomic.Bool
	fin    sync.Once
}

// end ends the subscriber's stream with reason (the first reason wins),
// interrupting a write that waits on a client that does not read, and
// wakes whoever serves it to finish the stream. It reports whether this
// call ended it.
func (s *subscriber) end(reason error) bool {
	s.endMu.Lock()
	if s.reason != nil {
		s.endMu.Unlock()
		return false
	}
	s.reason = reason
	s.ended.Store(true)
	close(s.done)
	now := time.Now()
	if s.conn != nil {
		s.conn.SetWriteDeadline(now) // wakes the parked goroutine
	}
	if s.rc != nil {
		s.rc.SetWriteDeadline(now)
	}
	sh := s.sh
	s.endMu.Unlock()
	if sh != nil {
		sh.readyNow(s)
	}
	return true
}

// endReason returns the reason the stream ended with, or nil.
func (s *subscriber) endReason() error {
	if !s.ended.Load() {
		return nil
	}
	s.endMu.Lock()
	defer s.endMu.Unlock()
	return s.reason
}

// fullSince reports whether s's socket was found full (its client not
// taking what it was sent) at or after the unix nanosecond since, or, when
// !bounded, ever.
func (s *subscriber) fullSince(since int64, bounded bool) bool {
	at := s.parkedAt.Load()
	return at != 0 && (!bounded || at >= since)
}

// fullWrite is how long a write (with its flush) of a stream served by a
// goroutine of its own must take for its socket to count as having been
// full: net/http gives no other sign of it.
const fullWrite = 10 * time.Millisecond
