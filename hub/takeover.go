package hub

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strconv"
	"time"
)

// takeover hands the stream of r to a writer shard, when its connection
// can be taken over: HTTP/1.x without TLS, a ResponseWriter that can be
// hijacked, and a connection with a file descriptor. The response head,
// with the headers set on w so far, is the first thing the shard writes.
// A connection hijacked without a file descriptor (a listener's wrapper)
// is served by a goroutine, as a response would be. It reports false,
// having done nothing, when the connection cannot be hijacked.
func (h *Hub) takeover(w http.ResponseWriter, r *http.Request, s *subscriber) bool {
	if !h.cfg.takeover || !canTakeover || r.ProtoMajor != 1 || r.TLS != nil {
		return false
	}
	hdr := w.Header().Clone()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return false
	}
	// net/http may have set deadlines (ReadTimeout, WriteTimeout) that
	// are not for a stream.
	conn.SetDeadline(time.Time{})
	chunked := r.ProtoMinor >= 1
	raw, ok := rawConn(conn)
	if !ok {
		// As net/http does for a response: a read that ends says the
		// client has gone.
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			var b [1]byte
			for {
				if _, err := conn.Read(b[:]); err != nil {
					cancel()
					return
				}
			}
		}()
		go func() {
			h.serveStream(&connWriter{conn: conn, hdr: hdr, chunked: chunked}, ctx, s)
			conn.Close()
			cancel()
		}()
		return true
	}
	s.head = responseHead(hdr, chunked)
	s.chunked = chunked
	s.raw = raw
	sh := h.shards[int(h.next.Add(1))%len(h.shards)]
	s.endMu.Lock()
	s.conn, s.sh = conn, sh
	ended := s.reason != nil
	s.endMu.Unlock()
	if ended {
		s.conn.SetWriteDeadline(time.Now())
	}
	h.stats.takenOver.Add(1)
	sh.add(s)
	return true
}

// responseHead returns the status line and headers of an event stream
// response, with hdr's other headers.
func responseHead(hdr http.Header, chunked bool) []byte {
	streamHeaders(hdr)
	hdr.Del("Transfer-Encoding")
	hdr.Set("Connection", "close")
	if chunked {
		hdr.Set("Transfer-Encoding", "chunked")
	}
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 200 OK\r\n")
	hdr.Write(&b)
	b.WriteString("\r\n")
	return b.Bytes()
}

// connWriter is an http.ResponseWriter over a hijacked connection that
// has no file descriptor: what a goroutine serving the stream writes to.
type connWriter struct {
	conn    net.Conn
	hdr     http.Header
	chunked bool
	head    bool // the head was written
	buf     []byte
}

func (c *connWriter) Header() http.Header { return c.hdr }

func (c *connWriter) WriteHeader(int) {}

func (c *connWriter) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	return len(p), nil
}

// FlushError writes the head, the first time, and what was written since
// the last flush, in one chunk.
func (c *connWriter) FlushError() error {
	var out []byte
	if !c.head {
		c.head = true
		out = responseHead(c.hdr, c.chunked)
	}
	if len(c.buf) > 0 {
		if c.chunked {
			out = strconv.AppendInt(out, int64(len(c.buf)), 16)
			out = append(out, "\r\n"...)
			out = append(out, c.buf...)
			out = append(out, "\r\n"...)
		} else {
			out = append(out, c.buf...)
		}
		c.buf = c.buf[:0]
	}
	if len(out) == 0 {
		return nil
	}
	_, err := c.conn.Write(out)
	return err
}

// SetWriteDeadline sets the connection's write deadline, for
// http.ResponseController.
func (c *connWriter) SetWriteDeadline(t time.Time) error { return c.conn.SetWriteDeadline(t) }
