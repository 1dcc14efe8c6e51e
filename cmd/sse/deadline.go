package main

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// A writeDeadline bounds each write of one stream: a client that does not
// take a write within the timeout is dropped, and once the request's
// context ends (the server shuts down) every write fails at once, even one
// already blocked on a client that has stopped reading.
//
// Its rule: after the context has ended the deadline is in the past, and
// stays there; arm cannot move it forward again, because both take mu.
type writeDeadline struct {
	rc      *http.ResponseController
	timeout time.Duration // 0: no timeout, only the end at shutdown

	mu    sync.Mutex
	ended bool
	stop  func() bool // stops the context.AfterFunc
}

// newWriteDeadline returns the write deadline of the stream written
// through w for r. Its release method must be called when the stream ends.
func newWriteDeadline(w http.ResponseWriter, r *http.Request, timeout time.Duration) *writeDeadline {
	d := &writeDeadline{rc: http.NewResponseController(w), timeout: timeout}
	d.stop = context.AfterFunc(r.Context(), d.end)
	return d
}

// arm sets the deadline for the next write.
func (d *writeDeadline) arm() {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.ended:
	case d.timeout > 0:
		d.rc.SetWriteDeadline(time.Now().Add(d.timeout))
	}
}

// end puts the deadline in the past, failing a blocked write now.
func (d *writeDeadline) end() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ended = true
	d.rc.SetWriteDeadline(time.Now())
}

// release stops watching the request's context.
func (d *writeDeadline) release() { d.stop() }
