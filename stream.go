package sse

import (
	"fmt"
	"net/http"
)

// NewStream starts an event stream response on w and returns a [Writer] for
// its events. It sets the headers an event stream needs, replacing any set
// before:
//
//	Content-Type: text/event-stream
//	Cache-Control: no-cache
//	X-Accel-Buffering: no
//
// (the last one stops nginx and similar proxies from buffering the stream),
// removes Content-Length, writes the 200 OK status and flushes, so the client
// sees the response at once, before the first event.
//
// w must be flushable through [http.ResponseController]: the ResponseWriter
// a handler is given, or middleware's wrapper of it that implements Flush,
// FlushError or an Unwrap method returning the wrapped ResponseWriter. If it
// is not, NewStream writes nothing and returns an error wrapping [ErrNoFlush]
// and [http.ErrNotSupported], so the handler can still reply with an error
// status. An error from the flush itself is returned too; the status line
// has then been written.
func NewStream(w http.ResponseWriter) (*Writer, error) {
	if !canFlush(w) {
		return nil, fmt.Errorf("%w: %T: %w", ErrNoFlush, w, http.ErrNotSupported)
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	h.Del("Content-Length")
	w.WriteHeader(http.StatusOK)
	ew := NewWriter(w)
	if err := ew.Flush(); err != nil {
		return nil, err
	}
	return ew, nil
}

// canFlush reports whether http.ResponseController can flush w, by the
// rules it follows: w, or a writer reached through Unwrap methods, has a
// FlushError or Flush method. It calls nothing that writes.
func canFlush(w http.ResponseWriter) bool {
	for {
		switch t := w.(type) {
		case interface{ FlushError() error }, http.Flusher:
			return true
		case interface{ Unwrap() http.ResponseWriter }:
			w = t.Unwrap()
		default:
			return false
		}
	}
}
