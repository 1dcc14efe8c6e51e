package hub

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fastsse/sse"
)

// A path is a way a stream can be served: taken over by the writer
// shards, or by a goroutine of its own (HTTP/2 over TLS, a response writer
// that cannot be hijacked, a hijacked connection without a file
// descriptor). Every path must behave the same.
type path struct {
	name      string
	takenOver bool
	serve     func(t *testing.T, h *Hub) (url string, hc *http.Client)
}

var paths = []path{
	{"takeover", true, func(t *testing.T, h *Hub) (string, *http.Client) {
		return serve(t, h), http.DefaultClient
	}},
	{"http2", false, func(t *testing.T, h *Hub) (string, *http.Client) {
		srv := httptest.NewUnstartedServer(h)
		srv.EnableHTTP2 = true
		srv.StartTLS()
		t.Cleanup(func() {
			h.Close()
			srv.Close()
		})
		return srv.URL, srv.Client()
	}},
	{"unhijackable", false, func(t *testing.T, h *Hub) (string, *http.Client) {
		return serve(t, h, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				next.ServeHTTP(flushOnly{w}, r)
			})
		}), http.DefaultClient
	}},
	{"no-descriptor", false, func(t *testing.T, h *Hub) (string, *http.Client) {
		srv := httptest.NewUnstartedServer(h)
		srv.Listener = wrappedListener{srv.Listener}
		srv.Start()
		t.Cleanup(func() {
			h.Close()
			srv.Close()
		})
		return srv.URL, http.DefaultClient
	}},
}

// flushOnly is a middleware's response writer: it can flush, but not be
// hijacked (no Hijack, no Unwrap).
type flushOnly struct{ w http.ResponseWriter }

func (f flushOnly) Header() http.Header         { return f.w.Header() }
func (f flushOnly) Write(b []byte) (int, error) { return f.w.Write(b) }
func (f flushOnly) WriteHeader(code int)        { f.w.WriteHeader(code) }
func (f flushOnly) Flush()                      { f.w.(http.Flusher).Flush() }

// wrappedListener accepts connections wrapped in a type that hides their
// file descriptor, as some listeners' wrappers do.
type wrappedListener struct{ net.Listener }

type wrappedConn struct{ net.Conn }

func (l wrappedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return wrappedConn{c}, nil
}

// TestPaths runs the same behaviour over every path.
func TestPaths(t *testing.T) {
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			t.Run("Broadcast", func(t *testing.T) { testPathBroadcast(t, p) })
			t.Run("Replay", func(t *testing.T) { testPathReplay(t, p) })
			t.Run("Kick", func(t *testing.T) { testPathKick(t, p) })
			t.Run("Heartbeat", func(t *testing.T) { testPathHeartbeat(t, p) })
			t.Run("ClientGone", func(t *testing.T) { testPathGone(t, p) })
		})
	}
}

// checkPath checks that the Hub serves its streams on p's path.
func checkPath(t *testing.T, h *Hub, p path, c *client) {
	t.Helper()
	st := h.Stats()
	if p.takenOver != (st.TakenOver == st.Subscribers) || (!p.takenOver && st.TakenOver != 0) {
		t.Errorf("%d of %d streams taken over on the %s path", st.TakenOver, st.Subscribers, p.name)
	}
	if want := map[bool]int{true: 2, false: 1}[p.name == "http2"]; c.resp.ProtoMajor != want {
		t.Errorf("response over %s, want HTTP/%d", c.resp.Proto, want)
	}
	if ct := c.resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
}

func testPathBroadcast(t *testing.T, p path) {
	h := New(WithSubscriberID(byHeader))
	url, hc := p.serve(t, h)
	ann, bob := subscribeWith(t, hc, url, "X-User", "ann"), subscribeWith(t, hc, url, "X-User", "bob")
	waitClients(t, h, 2)
	checkPath(t, h, p, ann)
	h.Publish(sse.Event{Type: "t", Data: "a\nb"})
	h.Publish(sse.Event{Data: "to ann"}, To("ann"))
	h.Publish(sse.Event{Data: "end"})
	for name, tc := range map[string]struct {
		c    *client
		want string
	}{"ann": {ann, "a\nb|to ann"}, "bob": {bob, "a\nb"}} {
		if got := strings.Join(tc.c.datas(t), "|"); got != tc.want {
			t.Errorf("%s got %q, want %q", name, got, tc.want)
		}
	}
	if st := h.Stats(); st.Delivered != 5 {
		t.Errorf("Stats().Delivered = %d, want 5", st.Delivered)
	}
}

func testPathReplay(t *testing.T, p path) {
	h := New(WithReplay(10, 0), WithAutoIDs(), WithRetry(time.Second))
	url, hc := p.serve(t, h)
	c := subscribeWith(t, hc, url)
	waitClients(t, h, 1)
	var last string
	for i := range 3 {
		id, err := h.Publish(sse.Event{Data: fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		if e := c.next(t); e.ID != id {
			t.Fatalf("event %d has id %q, Publish returned %q", i, e.ID, id)
		}
		last = id
	}
	c.resp.Body.Close()
	waitClients(t, h, 0)
	h.Publish(sse.Event{Data: "3"})
	h.Publish(sse.Event{Data: "4"}, Ephemeral()) // not replayed
	h.Publish(sse.Event{Data: "5"})
	h.Publish(sse.Event{Data: "end"})
	c2 := subscribeWith(t, hc, url, "Last-Event-ID", last)
	if got := strings.Join(c2.datas(t), "|"); got != "3|5" {
		t.Errorf("resumed with %q, want 3|5", got)
	}
	c2.mu.Lock()
	retry := c2.retry
	c2.mu.Unlock()
	if retry != time.Second {
		t.Errorf("retry %v, want 1s", retry)
	}
	c3 := subscribeWith(t, hc, url, "Last-Event-ID", "unknown")
	if e := c3.next(t); e.Type != ResetEvent || e.Data != "replay" || e.ID == "" {
		t.Errorf("first event for an unknown id: %+v, want a reset with the newest id", e)
	}
}

func testPathKick(t *testing.T, p path) {
	h, _ := kickAndClose(t, p)
	if n := h.Clients(); n != 0 {
		t.Errorf("%d clients after Close", n)
	}
}

// kickAndClose serves two subscribers on p, disconnects one and then
// closes the hub, checking each disconnect reason, and returns the closed
// hub and its URL.
func kickAndClose(t *testing.T, p path) (*Hub, string) {
	t.Helper()
	reasons := make(chan error, 10)
	h := New(WithSubscriberID(byHeader), WithOnDisconnect(func(s Subscriber, reason error) { reasons <- reason }))
	url, hc := p.serve(t, h)
	bob, carol := subscribeWith(t, hc, url, "X-User", "bob"), subscribeWith(t, hc, url, "X-User", "carol")
	waitClients(t, h, 2)
	h.Disconnect("bob")
	bob.ended(t)
	if r := <-reasons; !errors.Is(r, ErrKicked) {
		t.Errorf("Disconnect reason %v", r)
	}
	h.Close()
	carol.ended(t)
	if r := <-reasons; !errors.Is(r, ErrClosed) {
		t.Errorf("Close reason %v", r)
	}
	return h, url
}

func testPathHeartbeat(t *testing.T, p path) {
	h := New(WithHeartbeat(10 * time.Millisecond))
	url, hc := p.serve(t, h)
	c := subscribeWith(t, hc, url)
	waitClients(t, h, 1)
	c.waitBeats(t, 3)
}

// testPathGone: a client that goes away is noticed without any event
// published to it.
func testPathGone(t *testing.T, p path) {
	reasons := make(chan error, 1)
	h := New(WithOnDisconnect(func(s Subscriber, reason error) { reasons <- reason }))
	url, hc := p.serve(t, h)
	c := subscribeWith(t, hc, url)
	waitClients(t, h, 1)
	c.resp.Body.Close()
	waitClients(t, h, 0)
	if r := <-reasons; !errors.Is(r, ErrClientGone) {
		t.Errorf("reason %v, want ErrClientGone", r)
	}
}

// goneWriter is a response writer whose client went away before the
// headers were sent: every flush fails, as an HTTP/2 stream that the client
// reset does.
type goneWriter struct{ h http.Header }

func (g goneWriter) Header() http.Header       { return g.h }
func (goneWriter) Write(b []byte) (int, error) { return 0, errStreamClosed }
func (goneWriter) WriteHeader(int)             {}
func (goneWriter) FlushError() error           { return errStreamClosed }

var errStreamClosed = errors.New("stream closed")

// TestGoneBeforeHeaders: a client that goes away before the response
// headers are flushed ends with ErrClientGone, like one that goes later
// (CI once saw the transport's flush error as the reason instead).
func TestGoneBeforeHeaders(t *testing.T) {
	reasons := make(chan error, 1)
	h := New(WithOnDisconnect(func(s Subscriber, reason error) { reasons <- reason }))
	defer h.Close()
	r := httptest.NewRequest("GET", "/", nil)
	h.ServeHTTP(goneWriter{http.Header{}}, r)
	select {
	case reason := <-reasons:
		if !errors.Is(reason, ErrClientGone) {
			t.Errorf("reason %v, want ErrClientGone", reason)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no disconnect reported")
	}
	if n := h.Clients(); n != 0 {
		t.Errorf("%d clients after the stream ended", n)
	}
}
