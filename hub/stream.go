package hub

import (
	"context"
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/fastsse/sse"
)

// serveStream serves s from the calling goroutine, through w: the path of
// the streams the Hub does not take over (HTTP/2, TLS, response writers
// that cannot be hijacked). It is fed by the same cursor as a shard's
// streams and sends the same bytes, but writes with blocking calls bounded
// by the write timeout, and waits for the first shard's word that the log
// changed or the tick came.
// It returns once the stream has ended, and finishes it.
func (h *Hub) serveStream(w http.ResponseWriter, ctx context.Context, s *subscriber) {
	h.listeners.Add(1)
	defer h.listeners.Add(-1)
	defer h.finish(s)
	s.at.Store(s.cursor)
	h.ownMu.Lock()
	h.ownSub[s] = struct{}{}
	h.ownMu.Unlock()
	defer func() {
		h.ownMu.Lock()
		delete(h.ownSub, s)
		h.ownMu.Unlock()
	}()
	sw, err := sse.NewStream(w)
	if errors.Is(err, sse.ErrNoFlush) {
		if s.end(err) {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
		return
	}
	if err != nil { // sending the headers failed: the client went away first
		s.end(ErrClientGone)
		return
	}
	rc := http.NewResponseController(w)
	s.endMu.Lock()
	ended := s.reason != nil
	s.rc = rc
	s.endMu.Unlock()
	if ended {
		return
	}
	defer func() {
		s.endMu.Lock()
		s.rc = nil
		s.endMu.Unlock()
		// Bound what net/http writes after the handler returns (the end
		// of a chunked body) on a client that stopped reading; net/http
		// clears the deadline itself before it reuses the connection.
		var deadline time.Time
		if h.cfg.writeTimeout > 0 {
			deadline = time.Now().Add(h.cfg.writeTimeout)
		}
		rc.SetWriteDeadline(deadline)
	}()
	var ents []Entry
	var body []byte
	lastWrite := time.Now()
	for {
		changed := *h.changed.Load()
		if s.ended.Load() {
			return
		}
		now := time.Now()
		first, last := h.log.Bounds()
		var ok bool
		body, ok = h.catchUp(s, body[:0], first, now.UnixNano())
		if !ok {
			return
		}
		ents, err = h.log.Read(s.cursor, ents[:0], tailMax)
		if err != nil {
			continue // trimmed since Bounds: caught up next time round
		}
		var n int
		body, n = collect(s, body, ents, now, &h.stats.latency)
		s.at.Store(s.cursor)
		if len(body) == 0 && h.cfg.heartbeat > 0 && now.Sub(lastWrite) >= h.cfg.heartbeat {
			body = append(body, heartbeat...)
		}
		if len(body) > 0 {
			if h.cfg.writeTimeout > 0 {
				rc.SetWriteDeadline(now.Add(h.cfg.writeTimeout))
			}
			h.stats.delivered.Add(uint64(n))
			_, err := w.Write(body)
			if err == nil {
				err = sw.Flush()
			}
			if took := time.Since(now); took > fullWrite {
				s.parkedAt.Store(now.Add(took).UnixNano()) // the socket was full
			}
			if err != nil {
				h.failed(s, err)
				return
			}
			lastWrite = now
			if len(body) > 1<<20 {
				body = nil // not kept for the stream's life
			}
		}
		if s.cursor < last {
			continue
		}
		select {
		case <-changed: // the log changed, or the tick
		case <-s.done:
			return
		case <-ctx.Done():
			s.end(ErrClientGone)
			return
		}
	}
}

// failed ends s after a write failed: the stream was ended (and the write
// interrupted), the client did not read for the write timeout, or it went
// away.
func (h *Hub) failed(s *subscriber, err error) {
	if s.ended.Load() {
		return
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		h.slow(s, "write timeout")
		return
	}
	s.end(ErrClientGone)
}
