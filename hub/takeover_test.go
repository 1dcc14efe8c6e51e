package hub

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastsse/sse"
)

// rawStream opens a stream with a raw HTTP request, and reads its
// response head.
func rawStream(t *testing.T, url, request string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	io.WriteString(conn, request)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	return conn, br, resp
}

// TestTakeoverNoGoroutinePerStream: the streams the Hub takes over cost no
// goroutine once their heads are written.
func TestTakeoverNoGoroutinePerStream(t *testing.T) {
	h := New()
	url := serve(t, h)
	before := runtime.NumGoroutine()
	const n = 50
	for range n {
		rawStream(t, url, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	waitClients(t, h, n)
	deadline := time.Now().Add(10 * time.Second)
	for {
		// net/http's goroutine for each connection ends once the
		// handler returns.
		grown := runtime.NumGoroutine() - before
		if grown < n/5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines more for %d streams", grown, n)
		}
		time.Sleep(time.Millisecond)
	}
	if st := h.Stats(); st.TakenOver != n {
		t.Errorf("%d streams taken over, want %d", st.TakenOver, n)
	}
}

// TestTakeoverHead: the response head the Hub writes itself: the event
// stream headers, those a middleware set before (but Content-Length), a
// chunked body for HTTP/1.1 and one delimited by the close for HTTP/1.0.
func TestTakeoverHead(t *testing.T) {
	h := New()
	url := serve(t, h, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Content-Length", "5")
			w.Header().Set("Content-Type", "text/plain")
			next.ServeHTTP(w, r)
		})
	})
	for _, proto := range []string{"HTTP/1.1", "HTTP/1.0"} {
		_, br, resp := rawStream(t, url, "GET / "+proto+"\r\nHost: x\r\n\r\n")
		hd := resp.Header
		if resp.StatusCode != 200 || hd.Get("Content-Type") != "text/event-stream" || hd.Get("Cache-Control") != "no-cache" ||
			hd.Get("X-Accel-Buffering") != "no" || hd.Get("Access-Control-Allow-Origin") != "*" || hd.Get("Content-Length") != "" {
			t.Errorf("%s: %s %v", proto, resp.Status, hd)
		}
		chunked := len(resp.TransferEncoding) == 1 && resp.TransferEncoding[0] == "chunked"
		if chunked != (proto == "HTTP/1.1") || !resp.Close {
			t.Errorf("%s: Transfer-Encoding %q, close %v", proto, resp.TransferEncoding, resp.Close)
		}
		if proto == "HTTP/1.0" {
			waitClients(t, h, 2)
			h.Publish(sse.Event{Data: "x"})
			ev := make([]byte, len("data: x\n\n"))
			if _, err := io.ReadFull(br, ev); err != nil || string(ev) != "data: x\n\n" {
				t.Errorf("HTTP/1.0 body starts %q (%v), want the event", ev, err)
			}
			h.Close()
			if b, err := io.ReadAll(br); len(b) != 0 || err != nil {
				t.Errorf("HTTP/1.0 body then %q (%v), want the close", b, err)
			}
		}
	}
}

// quietLog is a MemoryLog that tells its Listener of appends only when
// the test says so.
type quietLog struct {
	*MemoryLog
	listener Listener
	quiet    bool
}

func (l *quietLog) Listen(li Listener) {
	l.listener = li
	l.MemoryLog.Listen(quietListener{li, l})
}

type quietListener struct {
	Listener
	l *quietLog
}

func (q quietListener) Appended() {
	if !q.l.quiet {
		q.Listener.Appended()
	}
}

// TestCoalesced: a subscriber is sent everything it lacks in one write:
// here the events published while the writers were not woken.
func TestCoalesced(t *testing.T) {
	l := &quietLog{MemoryLog: NewMemoryLog(WindowLimits{Entries: 1000})}
	h := New(WithLog(l))
	url := serve(t, h)
	_, br, resp := rawStream(t, url, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if len(resp.TransferEncoding) != 1 {
		t.Fatalf("Transfer-Encoding %q", resp.TransferEncoding)
	}
	waitClients(t, h, 1)
	l.quiet = true // before any event: the tick may wake the writers, no Publish does
	const n = 100
	for i := range n {
		h.Publish(sse.Event{Data: fmt.Sprint(i)})
	}
	l.quiet = false
	h.Publish(sse.Event{Data: "end"})
	// Read the chunks: each is one write.
	chunks, events := 0, 0
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		size, err := strconv.ParseInt(strings.TrimSpace(line), 16, 64)
		if err != nil {
			t.Fatalf("chunk size %q: %v", line, err)
		}
		chunk := make([]byte, size+2)
		if _, err := io.ReadFull(br, chunk); err != nil {
			t.Fatal(err)
		}
		chunks++
		events += bytes.Count(chunk, []byte("data: "))
		if bytes.Contains(chunk, []byte("data: end\n")) {
			break
		}
	}
	if events != n+1 || chunks > 5 {
		t.Errorf("%d events in %d writes, want %d events in a few (one, or more if the tick came during the test)", events, chunks, n+1)
	}
}
