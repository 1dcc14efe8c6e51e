package sse

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The tests of this file check the rules of
// /work/shared/conformance/client-behaviour.md, each naming its rule. They
// run real HTTP over loopback, never assert timings (they count requests and
// look at the delays the Client computes), and guard every blocking call
// with a generous deadlock timeout.

// dialDeadlock is how long a test waits for a call that should return before
// calling it a deadlock. It is a guard, not a timing assertion.
const dialDeadlock = 10 * time.Second

// dialLeakCheck makes the test fail if it leaves goroutines behind. Call it
// first: cleanups run last-registered first, so servers and clients are
// closed before the check.
func dialLeakCheck(t *testing.T) {
	t.Helper()
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

// dialRequest is what a test server saw of one request.
type dialRequest struct {
	Method string
	URI    string
	Header http.Header
	Body   string
}

// dialServer is a test server that runs a script for each request, given
// the request's number (from 0), and records the requests.
type dialServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []dialRequest
}

func newDialServer(t *testing.T, script func(n int, w http.ResponseWriter, r *http.Request)) *dialServer {
	t.Helper()
	s := &dialServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("server: reading request body: %v", err)
		}
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, dialRequest{r.Method, r.URL.RequestURI(), r.Header.Clone(), string(body)})
		s.mu.Unlock()
		script(n, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// requests returns the requests seen so far.
func (s *dialServer) requests() []dialRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]dialRequest(nil), s.reqs...)
}

// dialOpen sends a 200 text/event-stream response head.
func dialOpen(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	http.NewResponseController(w).Flush()
}

// dialSend writes each chunk and flushes it, so that it travels on its own.
func dialSend(w http.ResponseWriter, chunks ...string) {
	rc := http.NewResponseController(w)
	for _, c := range chunks {
		io.WriteString(w, c)
		rc.Flush()
	}
}

// dialStream opens a stream, sends chunks and returns: the response ends
// cleanly.
func dialStream(w http.ResponseWriter, chunks ...string) {
	dialOpen(w)
	dialSend(w, chunks...)
}

// dialHold blocks until the client goes away or release is closed.
func dialHold(r *http.Request, release <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-release:
	}
}

// dialCtx returns a context cancelled when the test ends.
func dialCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}

// dialGet returns a GET request for url whose context ends with the test.
func dialGet(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(dialCtx(t), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// dialFast are the options tests start with: reconnect after 1 ms, without
// backoff, so tests run fast; later options override them.
var dialFast = []Option{WithRetry(time.Millisecond), WithMinDelay(0), WithBackoff(0)}

// dialTest calls Dial with dialFast and opts, guarded against deadlock, and
// closes the Client when the test ends.
func dialTest(t *testing.T, req *http.Request, opts ...Option) (*Client, error) {
	t.Helper()
	opts = append(append([]Option(nil), dialFast...), opts...)
	type result struct {
		c   *Client
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := Dial(req, opts...)
		ch <- result{c, err}
	}()
	select {
	case r := <-ch:
		if r.c != nil {
			t.Cleanup(func() { r.c.Close() })
		}
		if (r.c == nil) == (r.err == nil) {
			t.Fatalf("Dial returned client %v and error %v: want exactly one", r.c, r.err)
		}
		return r.c, r.err
	case <-time.After(dialDeadlock):
		t.Fatalf("Dial blocked for %v", dialDeadlock)
		return nil, nil
	}
}

// mustDial is dialTest for a GET of url that must succeed.
func mustDial(t *testing.T, url string, opts ...Option) *Client {
	t.Helper()
	c, err := dialTest(t, dialGet(t, url), opts...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	return c
}

// dialNext calls c.Next, guarded against deadlock, and returns the event.
func dialNext(t *testing.T, c *Client) (Event, bool) {
	t.Helper()
	type result struct {
		e  Event
		ok bool
	}
	ch := make(chan result, 1)
	go func() {
		var r result
		if r.ok = c.Next(); r.ok {
			if err := c.Decode(&r.e); err != nil {
				t.Errorf("Decode: %v", err)
			}
		}
		ch <- r
	}()
	select {
	case r := <-ch:
		return r.e, r.ok
	case <-time.After(dialDeadlock):
		c.Close()
		select {
		case <-ch:
			t.Fatalf("Next blocked for %v", dialDeadlock)
		case <-time.After(dialDeadlock):
			t.Fatalf("Next blocked for %v, and Close did not end it", dialDeadlock)
		}
		return Event{}, false
	}
}

// ev returns an Event as a Client delivers it.
func ev(typ, id, data string) Event {
	return Event{Type: typ, ID: id, Data: data}
}

// dialExpect reads events from c and checks they are want.
func dialExpect(t *testing.T, c *Client, want ...Event) {
	t.Helper()
	for i, w := range want {
		got, ok := dialNext(t, c)
		if !ok {
			t.Fatalf("event %d: stream ended (Err %v), want %+v", i, c.Err(), w)
		}
		if got != w {
			t.Errorf("event %d: got %+v, want %+v", i, got, w)
		}
	}
}

// dialEnd checks that c has no more events and returns its Err.
func dialEnd(t *testing.T, c *Client) error {
	t.Helper()
	if got, ok := dialNext(t, c); ok {
		t.Fatalf("got event %+v, want the end of the stream", got)
	}
	return c.Err()
}

// dialWait waits for ch to deliver or close, guarded against deadlock.
func dialWait[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(dialDeadlock):
		t.Fatalf("still waiting for %s after %v", what, dialDeadlock)
	}
}

// dialHooks records hook calls in order.
type dialHooks struct {
	mu    sync.Mutex
	log   []string
	errs  []error
	delay []time.Duration
}

func (h *dialHooks) add(s string) {
	h.mu.Lock()
	h.log = append(h.log, s)
	h.mu.Unlock()
}

// options returns options that record the connect, disconnect and retry
// hooks.
func (h *dialHooks) options() []Option {
	return []Option{
		WithOnConnect(func(*http.Response) { h.add("connect") }),
		WithOnDisconnect(func(err error) {
			h.mu.Lock()
			h.errs = append(h.errs, err)
			h.mu.Unlock()
			h.add("disconnect")
		}),
		WithOnRetry(func(attempt int, d time.Duration) {
			h.mu.Lock()
			h.delay = append(h.delay, d)
			h.mu.Unlock()
			h.add("retry")
		}),
	}
}

func (h *dialHooks) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.log, " ")
}

// Rule 1: every attempt is a GET of the URL the Client was made with; an
// unparsable URL is a construction error.
func TestDialRule1MethodAndURL(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 2 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		dialStream(w, "data: x\n\n")
	})
	c := mustDial(t, srv.URL+"/events?topic=a")
	dialExpect(t, c, ev("message", "", "x"), ev("message", "", "x"))
	if err := dialEnd(t, c); err != nil {
		t.Fatalf("Err = %v", err)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if r.Method != http.MethodGet || r.URI != "/events?topic=a" {
			t.Errorf("request %d: %s %s, want GET /events?topic=a", i, r.Method, r.URI)
		}
	}

	for _, url := range []string{"http://a b.example/", "::bogus", "http://[::1"} {
		if c, err := DialURL(context.Background(), url); err == nil {
			c.Close()
			t.Errorf("DialURL(%q) succeeded, want a construction error", url)
		}
	}
}

// Rules 2 and 3: Accept: text/event-stream, Cache-Control: no-cache and
// Pragma: no-cache on every attempt, keeping the caller's own values.
func TestDialRule2And3Headers(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 2 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		dialStream(w, "data: x\n\n")
	})
	c := mustDial(t, srv.URL)
	dialExpect(t, c, ev("message", "", "x"), ev("message", "", "x"))
	dialEnd(t, c)
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		for name, want := range map[string]string{
			"Accept": "text/event-stream", "Cache-Control": "no-cache", "Pragma": "no-cache",
		} {
			if got := r.Header.Values(name); len(got) != 1 || got[0] != want {
				t.Errorf("request %d: %s = %q, want %q", i, name, got, want)
			}
		}
	}

	// A caller's Accept is kept.
	req := dialGet(t, srv.URL)
	req.Header.Set("Accept", "text/event-stream, application/json")
	c, err := dialTest(t, req)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if got := srv.requests()[3].Header.Get("Accept"); got != "text/event-stream, application/json" {
		t.Errorf("Accept = %q, want the caller's", got)
	}
}

// Rule 4: Last-Event-ID only on reconnects and only when not empty; an id
// with NUL is ignored; an empty id clears it.
func TestDialRule4LastEventID(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0:
			dialStream(w, "id: a\ndata: 0\n\n")
		case 1:
			dialStream(w, "id: b\x00c\ndata: 1\n\n")
		case 2:
			dialStream(w, "id:\ndata: 2\n\n")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	c := mustDial(t, srv.URL)
	dialExpect(t, c, ev("message", "a", "0"), ev("message", "a", "1"), ev("message", "", "2"))
	if err := dialEnd(t, c); err != nil {
		t.Fatalf("Err = %v", err)
	}
	reqs := srv.requests()
	if len(reqs) != 4 {
		t.Fatalf("server saw %d requests, want 4", len(reqs))
	}
	want := []string{"", "a", "a", ""}
	for i, r := range reqs {
		got, ok := r.Header["Last-Event-Id"]
		switch {
		case want[i] == "" && ok:
			t.Errorf("request %d: Last-Event-ID %q, want none", i, got)
		case want[i] != "" && (len(got) != 1 || got[0] != want[i]):
			t.Errorf("request %d: Last-Event-ID %q, want %q", i, got, want[i])
		}
	}
}

// Rule 4 (with an initial value): WithLastEventID, or a Last-Event-ID header
// on the request, is sent from the first request on.
func TestDialRule4InitialLastEventID(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n%2 == 1 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		dialStream(w, "data: x\n\n")
	})
	c := mustDial(t, srv.URL, WithLastEventID("abc"))
	dialExpect(t, c, ev("message", "abc", "x"))
	dialEnd(t, c)

	req := dialGet(t, srv.URL)
	req.Header.Set("last-event-id", "from-header")
	c, err := dialTest(t, req)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.LastEventID(); got != "from-header" {
		t.Errorf("LastEventID() = %q, want from-header", got)
	}
	dialExpect(t, c, ev("message", "from-header", "x"))
	dialEnd(t, c)

	reqs := srv.requests()
	if len(reqs) != 4 {
		t.Fatalf("server saw %d requests, want 4", len(reqs))
	}
	for i, want := range []string{"abc", "abc", "from-header", "from-header"} {
		if got := reqs[i].Header.Values("Last-Event-Id"); len(got) != 1 || got[0] != want {
			t.Errorf("request %d: Last-Event-ID %q, want %q", i, got, want)
		}
	}
}

// Rule 5: a last event ID that is not a valid header value (a control
// character) is not sent; the Client reconnects without it and reports a
// warning wrapping ErrInvalidLastEventID.
func TestDialRule5InvalidLastEventID(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0:
			dialStream(w, "id: a\x01b\ndata: 0\n\n")
		case 1:
			dialStream(w, "data: 1\n\n")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	var warnings []error
	c := mustDial(t, srv.URL, WithOnWarning(func(err error) { warnings = append(warnings, err) }))
	dialExpect(t, c, ev("message", "a\x01b", "0"), ev("message", "a\x01b", "1"))
	if err := dialEnd(t, c); err != nil {
		t.Fatalf("Err = %v", err)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if got, ok := r.Header["Last-Event-Id"]; ok {
			t.Errorf("request %d: Last-Event-ID %q, want none", i, got)
		}
	}
	if len(warnings) != 2 {
		t.Fatalf("got %d warnings (%v), want 2 (one per reconnect)", len(warnings), warnings)
	}
	for _, w := range warnings {
		if !errors.Is(w, ErrInvalidLastEventID) || !strings.Contains(w.Error(), `"a\x01b"`) {
			t.Errorf("warning %q: want ErrInvalidLastEventID quoting the id", w)
		}
	}
}

// Rule 6: with a cookie jar, cookies set by one response are sent on the
// reconnection.
func TestDialRule6CookieJar(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1"})
			dialStream(w, "data: x\n\n")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := mustDial(t, srv.URL, WithHTTPClient(&http.Client{Transport: tr, Jar: jar}))
	dialExpect(t, c, ev("message", "", "x"))
	dialEnd(t, c)
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(reqs))
	}
	if got := reqs[1].Header.Get("Cookie"); got != "session=s1" {
		t.Errorf("reconnection Cookie = %q, want session=s1", got)
	}
}

// Rule 7: Close, or cancelling the context, aborts the request and never
// reconnects.
func TestDialRule7Abort(t *testing.T) {
	dialLeakCheck(t)
	gone := make(chan struct{}, 2)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		dialStream(w, "data: x\n\n")
		<-r.Context().Done()
		gone <- struct{}{}
	})

	c := mustDial(t, srv.URL)
	dialExpect(t, c, ev("message", "", "x"))
	c.Close()
	if err := dialEnd(t, c); err != nil {
		t.Errorf("after Close: Err = %v, want nil", err)
	}
	dialWait(t, gone, "the server to see the request aborted")

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	c, err := dialTest(t, req)
	if err != nil {
		t.Fatal(err)
	}
	dialExpect(t, c, ev("message", "", "x"))
	cancel()
	if err := dialEnd(t, c); !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: Err = %v, want context.Canceled", err)
	}
	dialWait(t, gone, "the server to see the request aborted")
	if n := len(srv.requests()); n != 2 {
		t.Errorf("server saw %d requests, want 2 (no reconnection)", n)
	}
}

// Rule 8: a network error (here the connection closed before any response)
// reestablishes the connection, also on the first attempt.
func TestDialRule8NetworkError(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			dialCutNow(t, w)
			return
		}
		if n == 1 {
			dialStream(w, "data: x\n\n")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	var h dialHooks
	c := mustDial(t, srv.URL, h.options()...)
	dialExpect(t, c, ev("message", "", "x"))
	dialEnd(t, c)
	if got, want := h.String(), "disconnect retry connect disconnect retry"; got != want {
		t.Errorf("hooks: %s, want %s", got, want)
	}
	var uerr *url.Error
	if len(h.errs) == 0 || !errors.As(h.errs[0], &uerr) {
		t.Errorf("first disconnect cause = %v, want the network error from the HTTP client", h.errs)
	}

	// A refused connection is retried until the attempts run out.
	l := httptest.NewServer(http.NotFoundHandler())
	url := l.URL
	l.Close()
	var h2 dialHooks
	_, err := dialTest(t, dialGet(t, url), append(h2.options(), WithMaxAttempts(3))...)
	if !errors.Is(err, ErrGaveUp) {
		t.Fatalf("Dial to a closed port: %v, want ErrGaveUp", err)
	}
	if got, want := h2.String(), "disconnect retry disconnect retry disconnect"; got != want {
		t.Errorf("hooks: %s, want %s", got, want)
	}
}

// Rule 9: any status other than 200 (and 204) fails without reconnecting,
// with a *ResponseError carrying the start of the body, which is not parsed.
func TestDialRule9Status(t *testing.T) {
	for _, status := range []int{201, 205, 210, 299, 400, 401, 404, 410, 500, 503} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			dialLeakCheck(t)
			srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				w.WriteHeader(status)
				io.WriteString(w, "data: data\n\n")
			})
			c, err := dialTest(t, dialGet(t, srv.URL))
			if c != nil {
				t.Fatalf("Dial succeeded on %d", status)
			}
			var rerr *ResponseError
			if !errors.As(err, &rerr) || !errors.Is(err, ErrUnexpectedStatus) || errors.Is(err, ErrUnexpectedContentType) {
				t.Fatalf("Dial: %v, want a *ResponseError matching only ErrUnexpectedStatus", err)
			}
			if rerr.StatusCode != status || rerr.ContentType != "text/event-stream" || string(rerr.Body) != "data: data\n\n" {
				t.Errorf("ResponseError = %+v", rerr)
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("server saw %d requests, want 1", n)
			}
		})
	}

	t.Run("body snippet is bounded", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, strings.Repeat("z", 5000))
		})
		_, err := dialTest(t, dialGet(t, srv.URL))
		var rerr *ResponseError
		if !errors.As(err, &rerr) || string(rerr.Body) != strings.Repeat("z", 512) {
			t.Fatalf("Dial: %v, want a ResponseError with a 512-byte body", err)
		}
	})

	t.Run("body that never ends", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
			dialSend(w, "busy")
			dialHold(r, nil)
		})
		_, err := dialTest(t, dialGet(t, srv.URL))
		var rerr *ResponseError
		if !errors.As(err, &rerr) || rerr.StatusCode != 503 || string(rerr.Body) != "busy" {
			t.Fatalf("Dial: %v, want a 503 ResponseError with body \"busy\"", err)
		}
	})
}

// Rule 10: 204 No Content ends the stream for good, as a normal end, on the
// first connection or a reconnection.
func TestDialRule10NoContent(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/at-once" || n > 1 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		dialStream(w, "data: x\n\n")
	})
	var h dialHooks
	c := mustDial(t, srv.URL+"/at-once", h.options()...)
	if err := dialEnd(t, c); err != nil {
		t.Errorf("Err = %v, want nil", err)
	}
	if h.String() != "" {
		t.Errorf("hooks: %s, want none", h.String())
	}

	c = mustDial(t, srv.URL+"/later")
	dialExpect(t, c, ev("message", "", "x"))
	if err := dialEnd(t, c); err != nil {
		t.Errorf("Err = %v, want nil", err)
	}
	if c.Next() {
		t.Error("Next after the end returned true")
	}
	if n := len(srv.requests()); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
}

// Rule 11: the Content-Type must be text/event-stream, compared by essence,
// case-insensitively, ignoring parameters; otherwise (or when missing) the
// stream fails without reconnecting. The status is checked first.
func TestDialRule11ContentType(t *testing.T) {
	for _, tc := range []struct {
		ct   string // "-" for none
		open bool
	}{
		{"text/event-stream", true},
		{"text/event-stream;", true},
		{"text/event-stream; charset=utf-8", true},
		{"text/event-stream;charset=windows-1252", true},
		{"TEXT/Event-Stream", true},
		{"text/event-stream; bogus", true},
		{"text/x-bogus", false},
		{"x bogus", false},
		{"text/plain", false},
		{"text/event-streams", false},
		{"", false},
		{"-", false},
	} {
		t.Run(tc.ct, func(t *testing.T) {
			dialLeakCheck(t)
			srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n > 0 {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				if tc.ct == "-" {
					w.Header()["Content-Type"] = nil
				} else {
					w.Header().Set("Content-Type", tc.ct)
				}
				io.WriteString(w, "data: x\n\n")
			})
			c, err := dialTest(t, dialGet(t, srv.URL))
			if tc.open {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				dialExpect(t, c, ev("message", "", "x"))
				dialEnd(t, c)
				return
			}
			var rerr *ResponseError
			if !errors.As(err, &rerr) || !errors.Is(err, ErrUnexpectedContentType) || errors.Is(err, ErrUnexpectedStatus) {
				t.Fatalf("Dial: %v, want a *ResponseError matching only ErrUnexpectedContentType", err)
			}
			if want := strings.TrimPrefix(tc.ct, "-"); rerr.ContentType != want || string(rerr.Body) != "data: x\n\n" {
				t.Errorf("ResponseError = %+v", rerr)
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("server saw %d requests, want 1", n)
			}
		})
	}

	t.Run("status before type", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
		})
		_, err := dialTest(t, dialGet(t, srv.URL))
		if !errors.Is(err, ErrUnexpectedStatus) || errors.Is(err, ErrUnexpectedContentType) {
			t.Fatalf("Dial: %v, want ErrUnexpectedStatus only", err)
		}
	})
}

// Rule 12: every successful connection, including reconnections, is
// announced (WithOnConnect) before its events are parsed.
func TestDialRule12Announce(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 3 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("X-Conn", string(rune('0'+n)))
		dialStream(w, "data: x\n\n")
	})
	var conns []string
	c := mustDial(t, srv.URL, WithOnConnect(func(resp *http.Response) {
		if resp.StatusCode != 200 || resp.Body != http.NoBody {
			t.Errorf("OnConnect got status %d, body %T", resp.StatusCode, resp.Body)
		}
		conns = append(conns, resp.Header.Get("X-Conn"))
	}))
	if len(conns) != 1 {
		t.Fatalf("after Dial: %d connects, want 1", len(conns))
	}
	for i := 0; i < 3; i++ {
		dialExpect(t, c, ev("message", "", "x"))
		if len(conns) != i+1 {
			t.Errorf("after event %d: %d connects, want %d", i, len(conns), i+1)
		}
	}
	dialEnd(t, c)
	if strings.Join(conns, ",") != "0,1,2" {
		t.Errorf("connects: %v, want 0,1,2 (none for the 204)", conns)
	}
}

// Rules 13 and 14: redirects (301, 302, 303, 307, 308) are followed
// transparently, keeping Last-Event-ID, and every reconnection starts again
// at the original URL.
func TestDialRule13And14Redirects(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			dialLeakCheck(t)
			srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/start":
					http.Redirect(w, r, "/stream", status)
				case "/stream":
					streams := (n + 1) / 2 // requests alternate /start, /stream
					if streams == 3 {
						w.WriteHeader(http.StatusNoContent)
						return
					}
					dialStream(w, "id: "+string(rune('0'+streams))+"\ndata: x\n\n")
				}
			})
			c := mustDial(t, srv.URL+"/start")
			dialExpect(t, c, ev("message", "1", "x"), ev("message", "2", "x"))
			if err := dialEnd(t, c); err != nil {
				t.Fatalf("Err = %v", err)
			}
			var got []string
			for _, r := range srv.requests() {
				got = append(got, r.URI+"#"+r.Header.Get("Last-Event-Id")+"#"+r.Header.Get("Accept"))
			}
			want := "/start##text/event-stream /stream##text/event-stream " +
				"/start#1#text/event-stream /stream#1#text/event-stream " +
				"/start#2#text/event-stream /stream#2#text/event-stream"
			if strings.Join(got, " ") != want {
				t.Errorf("requests:\n%s\nwant\n%s", strings.Join(got, " "), want)
			}
		})
	}

	// Other 3xx statuses are not redirects: they fail (rule 9), and so does
	// a redirect without a Location.
	for _, status := range []int{300, 304, 305} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			dialLeakCheck(t)
			srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "/stream")
				w.WriteHeader(status)
			})
			_, err := dialTest(t, dialGet(t, srv.URL))
			var rerr *ResponseError
			if !errors.As(err, &rerr) || rerr.StatusCode != status {
				t.Fatalf("Dial: %v, want a ResponseError for %d", err, status)
			}
		})
	}

	// Up to 20 redirects are followed, as Fetch does; more is a network
	// error, which is retried.
	for _, hops := range []int{20, 21} {
		t.Run(itoa(hops)+" hops", func(t *testing.T) {
			dialLeakCheck(t)
			srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				var i int
				for _, ch := range r.URL.Path[1:] {
					i = i*10 + int(ch-'0')
				}
				if i < hops {
					http.Redirect(w, r, "/"+itoa(i+1), http.StatusFound)
					return
				}
				dialStream(w, "data: end\n\n")
			})
			c, err := dialTest(t, dialGet(t, srv.URL+"/0"), WithMaxAttempts(1))
			if hops <= 20 {
				if err != nil {
					t.Fatalf("%d redirects: %v", hops, err)
				}
				dialExpect(t, c, ev("message", "", "end"))
				return
			}
			if !errors.Is(err, ErrGaveUp) || !strings.Contains(err.Error(), "redirects") {
				t.Fatalf("%d redirects: %v, want a network error and ErrGaveUp", hops, err)
			}
		})
	}
}

// itoa formats a small non-negative number.
func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// Rule 15: a clean end of the body reestablishes the connection; the cause
// reported wraps io.EOF.
func TestDialRule15EOFReconnects(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 3 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		dialStream(w, "data: "+itoa(n)+"\n\n")
	})
	var h dialHooks
	c := mustDial(t, srv.URL, h.options()...)
	dialExpect(t, c, ev("message", "", "0"), ev("message", "", "1"), ev("message", "", "2"))
	if err := dialEnd(t, c); err != nil {
		t.Fatalf("Err = %v", err)
	}
	if len(h.errs) != 3 {
		t.Fatalf("%d disconnects, want 3", len(h.errs))
	}
	for _, err := range h.errs {
		if !errors.Is(err, io.EOF) {
			t.Errorf("disconnect cause %v, want io.EOF", err)
		}
	}
}

// Rule 16: a partial event at the end of a body is discarded, its id is not
// applied, but a complete retry line in it is.
func TestDialRule16PartialEventDiscarded(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0:
			dialStream(w, "id: 1\ndata: a\n\nid: 2\nretry: 7\nevent: partial\ndata: lost\nretry: 9")
		case 1:
			dialStream(w, "data: b\n\n")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	var h dialHooks
	c := mustDial(t, srv.URL, h.options()...)
	dialExpect(t, c, ev("message", "1", "a"), ev("message", "1", "b"))
	dialEnd(t, c)
	if got := srv.requests()[1].Header.Get("Last-Event-Id"); got != "1" {
		t.Errorf("reconnection Last-Event-ID = %q, want 1", got)
	}
	if len(h.delay) != 2 || h.delay[0] != 7*time.Millisecond || h.delay[1] != 7*time.Millisecond {
		t.Errorf("reconnection delays %v, want [7ms 7ms]", h.delay)
	}
}

// Rule 17: every connection is a fresh stream: one leading BOM is stripped
// from each body and no event type carries over from an unfinished event.
func TestDialRule17FreshStream(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0:
			dialStream(w, "\xEF\xBB\xBFdata: a\n\nevent: stale\ndata: p\xE2\x82")
		case 1:
			dialStream(w, "\xEF\xBB\xBF", "data: b\n\n", "\xEF\xBB\xBFdata: c\n\n")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	c := mustDial(t, srv.URL)
	dialExpect(t, c, ev("message", "", "a"), ev("message", "", "b"))
	// A BOM later in the body is not stripped: the line is a field named
	// "\uFEFFdata", which is ignored.
	if err := dialEnd(t, c); err != nil {
		t.Fatalf("Err = %v", err)
	}
}

// Rule 18: the last event ID carries over to the next connection.
func TestDialRule18IDCarriesOver(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0:
			dialStream(w, "id: 7\ndata: a\n\n")
		case 1:
			dialStream(w, "data: b\n\n")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	c := mustDial(t, srv.URL)
	dialExpect(t, c, ev("message", "7", "a"), ev("message", "7", "b"))
	if got := c.LastEventID(); got != "7" {
		t.Errorf("LastEventID() = %q, want 7", got)
	}
	dialEnd(t, c)
}

// Rule 19: reestablishing reports the error, waits, reconnects; a wrong
// response on a reconnection is as terminal as on the first attempt.
func TestDialRule19Reestablish(t *testing.T) {
	for _, tc := range []struct {
		name  string
		last  func(w http.ResponseWriter)
		check func(error) bool
	}{
		{"204", func(w http.ResponseWriter) { w.WriteHeader(204) }, func(err error) bool { return err == nil }},
		{"404", func(w http.ResponseWriter) { w.WriteHeader(404) }, func(err error) bool { return errors.Is(err, ErrUnexpectedStatus) }},
		{"wrong type", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, "{}")
		}, func(err error) bool { return errors.Is(err, ErrUnexpectedContentType) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dialLeakCheck(t)
			srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 0 {
					dialStream(w, "data: x\n\n")
					return
				}
				tc.last(w)
			})
			var h dialHooks
			c := mustDial(t, srv.URL, h.options()...)
			dialExpect(t, c, ev("message", "", "x"))
			if err := dialEnd(t, c); !tc.check(err) {
				t.Errorf("Err = %v", err)
			}
			if got, want := h.String(), "connect disconnect retry"; got != want {
				t.Errorf("hooks: %s, want %s", got, want)
			}
			if n := len(srv.requests()); n != 2 {
				t.Errorf("server saw %d requests, want 2", n)
			}
		})
	}
}

// Rule 20: the reconnection time starts at WithRetry's value, is changed by
// valid retry fields only (leading zeros allowed; bogus and overflowing
// values ignored) and persists across reconnections.
func TestDialRule20ReconnectionTime(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0:
			dialStream(w, "data: 0\n\n")
		case 1:
			dialStream(w, "retry: 5\ndata: 1\n\n")
		case 2:
			dialStream(w, "data: 2\n\n")
		case 3:
			dialStream(w, "retry: 004\ndata: 3\n\n")
		case 4:
			dialStream(w, "retry: 1000x\nretry: 99999999999999999999\nretry:\nretry: -1\ndata: 4\n\n")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	var h dialHooks
	c := mustDial(t, srv.URL, append(h.options(), WithRetry(2*time.Millisecond))...)
	if d, set := c.Retry(); d != 2*time.Millisecond || set {
		t.Errorf("Retry() = %v, %v before any retry field", d, set)
	}
	for i := 0; i < 5; i++ {
		dialExpect(t, c, ev("message", "", itoa(i)))
	}
	dialEnd(t, c)
	want := []time.Duration{2, 5, 5, 4, 4}
	if len(h.delay) != len(want) {
		t.Fatalf("delays %v, want %v ms", h.delay, want)
	}
	for i := range want {
		if h.delay[i] != want[i]*time.Millisecond {
			t.Errorf("delay %d = %v, want %v", i, h.delay[i], want[i]*time.Millisecond)
		}
	}
	if d, set := c.Retry(); d != 4*time.Millisecond || !set {
		t.Errorf("Retry() = %v, %v, want 4ms, true", d, set)
	}
}

// Rule 21: the body is always decoded as UTF-8, whatever the charset says,
// across reads; invalid bytes become U+FFFD.
func TestDialRule21Decoding(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n > 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream; charset=windows-1252")
		dialSend(w, "data: \xE2\x99", "\xA5 caf\xC3", "\xA9\n\n", "data: \xFFok\xE2\x82\n\n")
	})
	c := mustDial(t, srv.URL)
	dialExpect(t, c, ev("message", "", "♥ café"), ev("message", "", "\uFFFDok\uFFFD"))
	dialEnd(t, c)
}

// Rule 22: events are delivered in order; the type defaults to "message";
// an "error" or "open" event is an ordinary event; the id is the last event
// ID at dispatch time.
func TestDialRule22Delivery(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n > 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		dialStream(w, "event: error\ndata: e\n\nevent: open\nid: 1\ndata: o\n\nevent:\ndata: m\n\nid: 2\n\ndata: n\n\n")
	})
	var disconnects int
	c := mustDial(t, srv.URL, WithOnDisconnect(func(error) { disconnects++ }))
	dialExpect(t, c,
		ev("error", "", "e"), ev("open", "1", "o"), ev("message", "1", "m"), ev("message", "2", "n"))
	dialEnd(t, c)
	if disconnects != 1 {
		t.Errorf("%d disconnects, want 1: stream events are not connection errors", disconnects)
	}
}

// Rule 23: Close aborts and never reconnects: from a hook while a
// reconnection is pending, and with events parsed but not delivered.
func TestDialRule23Close(t *testing.T) {
	t.Run("from OnDisconnect", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialStream(w, "data: x\n\n")
		})
		var c *Client
		c = mustDial(t, srv.URL, WithOnDisconnect(func(error) { c.Close() }))
		dialExpect(t, c, ev("message", "", "x"))
		if err := dialEnd(t, c); err != nil {
			t.Errorf("Err = %v", err)
		}
		if n := len(srv.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
	t.Run("from OnRetry", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialStream(w, "data: x\n\n")
		})
		var c *Client
		c = mustDial(t, srv.URL, WithRetry(time.Hour), WithOnRetry(func(int, time.Duration) { c.Close() }))
		dialExpect(t, c, ev("message", "", "x"))
		if err := dialEnd(t, c); err != nil {
			t.Errorf("Err = %v", err)
		}
		if n := len(srv.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
	t.Run("from OnConnect", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialStream(w, "data: "+itoa(n)+"\n\n")
			dialHold(r, nil)
		})
		var c *Client
		connects := 0
		c = mustDial(t, srv.URL, WithOnConnect(func(*http.Response) {
			if connects++; connects == 2 {
				c.Close()
			}
		}))
		dialExpect(t, c, ev("message", "", "0"))
		// Break the first connection from the server side.
		srv.CloseClientConnections()
		if err := dialEnd(t, c); err != nil {
			t.Errorf("Err = %v", err)
		}
		if connects != 2 {
			t.Errorf("%d connects, want 2", connects)
		}
	})
	t.Run("from OnComment, inside Next", func(t *testing.T) {
		// The event after the comment is parsed in the same Next call that
		// ran the hook: it must not be delivered.
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialStream(w, "data: 1\n\n: stop\ndata: 2\n\n")
			dialHold(r, nil)
		})
		var c *Client
		c = mustDial(t, srv.URL, WithOnComment(func([]byte) { c.Close() }))
		dialExpect(t, c, ev("message", "", "1"))
		if err := dialEnd(t, c); err != nil {
			t.Errorf("Err = %v", err)
		}
	})
	t.Run("parsed events are not delivered", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialStream(w, "data: 1\n\ndata: 2\n\ndata: 3\n\n")
			dialHold(r, nil)
		})
		c := mustDial(t, srv.URL)
		dialExpect(t, c, ev("message", "", "1"))
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := c.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if err := dialEnd(t, c); err != nil {
			t.Errorf("Err = %v", err)
		}
		if c.Next() {
			t.Error("Next after the end returned true")
		}
	})
}

// Rule 24: the default HTTP client has no overall timeout but bounds the
// connection set-up, and follows 20 redirects. (The idle timeout is tested
// in dial_fault_test.go.)
func TestDialRule24DefaultClient(t *testing.T) {
	dialLeakCheck(t)
	cfg := newConfig(nil)
	defer cfg.ownTransport.CloseIdleConnections()
	if cfg.hc.Timeout != 0 {
		t.Errorf("default client Timeout = %v, want none", cfg.hc.Timeout)
	}
	tr, ok := cfg.hc.Transport.(*http.Transport)
	if !ok || tr != cfg.ownTransport {
		t.Fatalf("default transport %T is not the Client's own", cfg.hc.Transport)
	}
	if tr.ResponseHeaderTimeout <= 0 || tr.TLSHandshakeTimeout <= 0 || tr.DialContext == nil {
		t.Errorf("transport does not bound set-up: header %v, TLS %v", tr.ResponseHeaderTimeout, tr.TLSHandshakeTimeout)
	}
	via := make([]*http.Request, 20)
	if err := cfg.hc.CheckRedirect(nil, via); err != nil {
		t.Errorf("20th redirect refused: %v", err)
	}
	if err := cfg.hc.CheckRedirect(nil, append(via, nil)); err == nil {
		t.Error("21st redirect followed")
	}
	if cfg.retry != 3*time.Second || cfg.maxBackoff != 30*time.Second || cfg.idleTimeout != 0 {
		t.Errorf("defaults: retry %v, backoff %v, idle %v", cfg.retry, cfg.maxBackoff, cfg.idleTimeout)
	}
}
