package sse

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The tests of this file inject faults with a real server over loopback:
// connections cut in the middle of an event (by hijacking them), closed
// before any response, left silent, or paused right after a CR.

// dialCutNow closes the connection without sending any response: a network
// error before the headers.
func dialCutNow(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("server: hijack: %v", err)
		return
	}
	conn.Close()
}

// dialCut sends chunks on an open stream and then closes the connection
// abruptly, in the middle of the chunked body.
func dialCut(t *testing.T, w http.ResponseWriter, chunks ...string) {
	dialSend(w, chunks...)
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("server: hijack: %v", err)
		return
	}
	buf.Flush()
	conn.Close()
}

// Rules 16, 4 and 18: a connection cut in the middle of an event loses that
// event; the reconnection carries the last complete event's ID.
func TestDialFaultCutMidEvent(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0:
			dialOpen(w)
			dialCut(t, w, "id: 1\ndata: a\n\nid: 2\nevent: x\ndata: par", "t")
		case 1:
			dialStream(w, "data: b\n\n")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	var h dialHooks
	c := mustDial(t, srv.URL, h.options()...)
	dialExpect(t, c, ev("message", "1", "a"), ev("message", "1", "b"))
	if err := dialEnd(t, c); err != nil {
		t.Fatalf("Err = %v", err)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(reqs))
	}
	if got := reqs[1].Header.Get("Last-Event-Id"); got != "1" {
		t.Errorf("Last-Event-ID after the cut = %q, want 1", got)
	}
	if len(h.errs) != 2 || !errors.Is(h.errs[0], io.ErrUnexpectedEOF) || !errors.Is(h.errs[1], io.EOF) {
		t.Errorf("disconnect causes %v, want an unexpected EOF, then EOF", h.errs)
	}
}

// The liveness rule of DESIGN.md: an event whose blank line ends in a CR is
// delivered at once, without waiting for a possible LF. The server sends
// nothing more until the test has the event, so a client that waited would
// deadlock (and the guard would fail the test).
func TestDialFaultPauseAfterCR(t *testing.T) {
	for _, tail := range []string{"\r\r", "\r\n\r", "\n\r"} {
		t.Run(strings.NewReplacer("\r", "CR", "\n", "LF").Replace(tail), func(t *testing.T) {
			dialLeakCheck(t)
			release := make(chan struct{})
			srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n > 0 {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				dialStream(w, "data: hello"+tail)
				dialHold(r, release)
				dialSend(w, "\ndata: next\n\n")
			})
			c := mustDial(t, srv.URL)
			dialExpect(t, c, ev("message", "", "hello"))
			close(release)
			dialExpect(t, c, ev("message", "", "next"))
			if err := dialEnd(t, c); err != nil {
				t.Fatalf("Err = %v", err)
			}
		})
	}
}

// Rule 24: with WithIdleTimeout, a connection on which nothing arrives is
// treated as broken and reestablished, whether it is silent after an event
// or before its response headers.
func TestDialFaultIdleTimeout(t *testing.T) {
	// The server answers by Last-Event-ID, so the test holds whenever the
	// timeout fires, even early on a slow machine.
	script := func(silentHead bool) func(n int, w http.ResponseWriter, r *http.Request) {
		return func(n int, w http.ResponseWriter, r *http.Request) {
			switch r.Header.Get("Last-Event-Id") {
			case "":
				if silentHead {
					dialHold(r, nil)
					return
				}
				dialStream(w, "id: 1\ndata: a\n\n")
				dialHold(r, nil)
			case "1":
				dialStream(w, "id: 2\ndata: b\n\n")
			default:
				w.WriteHeader(http.StatusNoContent)
			}
		}
	}
	t.Run("silent stream", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, script(false))
		var h dialHooks
		c := mustDial(t, srv.URL, append(h.options(), WithIdleTimeout(300*time.Millisecond))...)
		dialExpect(t, c, ev("message", "1", "a"), ev("message", "2", "b"))
		dialEnd(t, c)
		if len(h.errs) == 0 || !errors.Is(h.errs[0], ErrIdleTimeout) {
			t.Errorf("disconnect causes %v, want ErrIdleTimeout first", h.errs)
		}
	})
	t.Run("silent head", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 0 {
				dialHold(r, nil)
				return
			}
			script(false)(n, w, r)
		})
		var h dialHooks
		c := mustDial(t, srv.URL, append(h.options(), WithIdleTimeout(300*time.Millisecond))...)
		dialExpect(t, c, ev("message", "1", "a"))
		c.Close()
		if len(h.errs) == 0 || !errors.Is(h.errs[0], ErrIdleTimeout) {
			t.Errorf("disconnect causes %v, want ErrIdleTimeout first", h.errs)
		}
	})
	t.Run("bytes keep it alive", func(t *testing.T) {
		// Partial lines reset the timer: 15 single bytes 100 ms apart span
		// 1.5 s, longer than the 1 s timeout, with gaps ten times shorter.
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialOpen(w)
			for range 15 {
				dialSend(w, ":")
				select {
				case <-time.After(100 * time.Millisecond):
				case <-r.Context().Done():
					return
				}
			}
			dialSend(w, "\ndata: done\n\n")
			dialHold(r, nil)
		})
		c := mustDial(t, srv.URL, WithIdleTimeout(time.Second))
		dialExpect(t, c, ev("message", "", "done"))
		c.Close()
		if n := len(srv.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
}

// Rules 7 and 23: cancelling the context or calling Close during the wait
// for a reconnection returns promptly (the wait is an hour).
func TestDialFaultStopDuringBackoff(t *testing.T) {
	for _, how := range []string{"cancel", "close"} {
		t.Run(how, func(t *testing.T) {
			dialLeakCheck(t)
			srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				dialStream(w, "data: x\n\n")
			})
			waiting := make(chan struct{})
			ctx, cancel := context.WithCancel(dialCtx(t))
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			c, err := dialTest(t, req, WithRetry(time.Hour), WithOnRetry(func(int, time.Duration) { close(waiting) }))
			if err != nil {
				t.Fatal(err)
			}
			dialExpect(t, c, ev("message", "", "x"))
			done := make(chan bool)
			go func() { done <- c.Next() }()
			dialWait(t, waiting, "the reconnection wait")
			if how == "cancel" {
				cancel()
			} else {
				c.Close()
			}
			select {
			case ok := <-done:
				if ok {
					t.Fatal("Next returned an event")
				}
			case <-time.After(dialDeadlock):
				t.Fatal("Next still waiting after the stop")
			}
			err = c.Err()
			if how == "cancel" && !errors.Is(err, context.Canceled) || how == "close" && err != nil {
				t.Errorf("Err = %v", err)
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("server saw %d requests, want 1", n)
			}
		})
	}
}

// Rule 23: Close from another goroutine while Next blocks on a silent
// stream makes Next return false.
func TestDialFaultCloseWhileNextBlocks(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		dialStream(w, ": nothing to see\n")
		dialHold(r, nil)
	})
	reading := make(chan string, 1)
	c := mustDial(t, srv.URL, WithOnComment(func(b []byte) { reading <- string(b) }))
	done := make(chan bool)
	go func() { done <- c.Next() }()
	select {
	case <-reading: // Next is reading the stream, past the comment
	case <-time.After(dialDeadlock):
		t.Fatal("comment not read")
	}
	c.Close()
	select {
	case ok := <-done:
		if ok || c.Err() != nil {
			t.Errorf("Next = %v, Err = %v; want false, nil", ok, c.Err())
		}
	case <-time.After(dialDeadlock):
		t.Fatal("Next still blocked after Close")
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

// With WithReconnect, a POST with a JSON body and headers is replayed, body
// and all, on reconnection.
func TestDialFaultPOSTReplay(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0:
			dialOpen(w)
			dialCut(t, w, "id: 1\ndata: a\n\n")
		case 1:
			dialStream(w, "data: b\n\n")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	const body = `{"model":"m","stream":true}`
	req, err := http.NewRequestWithContext(dialCtx(t), http.MethodPost, srv.URL+"/v1/chat", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer k")
	c, err := dialTest(t, req, WithReconnect())
	if err != nil {
		t.Fatal(err)
	}
	dialExpect(t, c, ev("message", "1", "a"), ev("message", "1", "b"))
	dialEnd(t, c)
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if r.Method != http.MethodPost || r.URI != "/v1/chat" || r.Body != body ||
			r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "Bearer k" {
			t.Errorf("request %d: %s %s %q %v", i, r.Method, r.URI, r.Body, r.Header)
		}
	}
}

// A body that cannot be replayed (GetBody is nil) stops the Client with
// ErrNotReplayable where it would have reconnected: after a stream with
// WithReconnect, or after a first attempt that failed before a stream
// opened (which even a one-shot request retries).
func TestDialFaultNotReplayable(t *testing.T) {
	newReq := func(t *testing.T, url string) *http.Request {
		req, err := http.NewRequestWithContext(dialCtx(t), http.MethodPost, url, io.NopCloser(strings.NewReader(`{"q":1}`)))
		if err != nil {
			t.Fatal(err)
		}
		if req.GetBody != nil {
			t.Fatal("test request is replayable")
		}
		return req
	}
	t.Run("after a stream", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialStream(w, "data: a\n\n")
		})
		c, err := dialTest(t, newReq(t, srv.URL), WithReconnect())
		if err != nil {
			t.Fatal(err)
		}
		dialExpect(t, c, ev("message", "", "a"))
		err = dialEnd(t, c)
		if !errors.Is(err, ErrNotReplayable) || !errors.Is(err, io.EOF) {
			t.Errorf("Err = %v, want ErrNotReplayable wrapping the EOF", err)
		}
		if r := srv.requests(); len(r) != 1 || r[0].Body != `{"q":1}` {
			t.Errorf("requests %+v, want the one with the body", r)
		}
	})
	t.Run("first attempt", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialCutNow(t, w)
		})
		_, err := dialTest(t, newReq(t, srv.URL))
		if !errors.Is(err, ErrNotReplayable) {
			t.Errorf("Dial: %v, want ErrNotReplayable", err)
		}
		if n := len(srv.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
}

// WithMaxAttempts counts failed attempts in a row: connections that end
// without delivering an event fail; with WithHealthyAfter(0), one that
// delivers resets the count.
func TestDialFaultMaxAttempts(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0, 2:
			dialStream(w, "data: "+itoa(n)+"\n\n")
		case 1, 3:
			dialOpen(w) // opens, then ends without an event
		default:
			dialOpen(w) // opens, then breaks without an event
			dialCut(t, w)
		}
	})
	var h dialHooks
	c := mustDial(t, srv.URL, append(h.options(), WithMaxAttempts(2), WithHealthyAfter(0))...)
	dialExpect(t, c, ev("message", "", "0"), ev("message", "", "2"))
	err := dialEnd(t, c)
	if !errors.Is(err, ErrGaveUp) {
		t.Fatalf("Err = %v, want ErrGaveUp", err)
	}
	var last error
	if len(h.errs) > 0 {
		last = h.errs[len(h.errs)-1]
	}
	if last == nil || !errors.Is(err, last) {
		t.Errorf("Err = %v does not wrap the last cause %v", err, last)
	}
	if n := len(srv.requests()); n != 5 {
		t.Errorf("server saw %d requests, want 5", n)
	}
	if got, want := h.String(), "connect disconnect retry connect disconnect retry connect disconnect retry connect disconnect retry connect disconnect"; got != want {
		t.Errorf("hooks:\n%s\nwant\n%s", got, want)
	}
}

// WithMaxElapsed gives up rather than start a wait that would end too late.
func TestDialFaultMaxElapsed(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		dialCutNow(t, w)
	})
	var h dialHooks
	_, err := dialTest(t, dialGet(t, srv.URL), append(h.options(), WithRetry(time.Hour), WithMaxElapsed(time.Minute))...)
	if !errors.Is(err, ErrGaveUp) {
		t.Fatalf("Dial: %v, want ErrGaveUp", err)
	}
	if got := h.String(); got != "disconnect" {
		t.Errorf("hooks: %s, want disconnect only", got)
	}
}

// WithRetryStatus retries 429 and 5xx, waiting at least what Retry-After
// asks for.
func TestDialFaultRetryStatus(t *testing.T) {
	t.Run("retried", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			switch n {
			case 0:
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusServiceUnavailable)
			case 1:
				w.Header().Set("Retry-After", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat))
				w.WriteHeader(http.StatusTooManyRequests)
			case 2:
				w.WriteHeader(http.StatusInternalServerError)
			case 3:
				dialStream(w, "data: ok\n\n")
			default:
				w.WriteHeader(http.StatusNoContent)
			}
		})
		var h dialHooks
		c := mustDial(t, srv.URL, append(h.options(), WithRetryStatus())...)
		dialExpect(t, c, ev("message", "", "ok"))
		dialEnd(t, c)
		var statuses []int
		for _, err := range h.errs {
			var rerr *ResponseError
			if errors.As(err, &rerr) {
				statuses = append(statuses, rerr.StatusCode)
			}
		}
		if len(statuses) != 3 || statuses[0] != 503 || statuses[1] != 429 || statuses[2] != 500 {
			t.Errorf("retried statuses %v, want [503 429 500]", statuses)
		}
		for i, d := range h.delay {
			if d != time.Millisecond {
				t.Errorf("delay %d = %v, want the reconnection time", i, d)
			}
		}
	})
	for _, value := range []string{"120", time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat)} {
		t.Run("Retry-After "+value, func(t *testing.T) {
			dialLeakCheck(t)
			srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", value)
				w.WriteHeader(http.StatusServiceUnavailable)
			})
			// The hook runs inside Dial, before there is a Client to close:
			// stop by cancelling the request's context instead.
			ctx, cancel := context.WithCancel(dialCtx(t))
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			var delay time.Duration
			_, err := dialTest(t, req, WithRetryStatus(),
				WithOnRetry(func(_ int, d time.Duration) { delay = d; cancel() }))
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Dial: %v, want context.Canceled", err)
			}
			if delay < 119*time.Second || delay > 2*time.Hour {
				t.Errorf("delay %v, want what Retry-After %s asks", delay, value)
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("server saw %d requests, want 1", n)
			}
		})
	}
}

// Events yields every event across reconnections and ends with the error
// that ends the stream; breaking out and ranging again resumes.
func TestDialFaultEvents(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0:
			dialOpen(w)
			dialCut(t, w, "id: 1\ndata: a\n\ndata: b\n\ndata: lo")
		case 1:
			dialStream(w, "event: t\ndata: c\n\n")
		case 2:
			dialStream(w, "id: 2\ndata: d\ndata: e\n\n")
		default:
			w.WriteHeader(http.StatusGone)
		}
	})
	c := mustDial(t, srv.URL)
	var got []Event
	for e, err := range c.Events() {
		if err != nil {
			t.Fatalf("first loop: %v", err)
		}
		got = append(got, e)
		if len(got) == 2 {
			break
		}
	}
	var end error
	for e, err := range c.Events() {
		if err != nil {
			end = err
			continue
		}
		got = append(got, e)
	}
	want := []Event{ev("message", "1", "a"), ev("message", "1", "b"), ev("t", "1", "c"), ev("message", "2", "d\ne")}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	var rerr *ResponseError
	if !errors.As(end, &rerr) || rerr.StatusCode != http.StatusGone {
		t.Errorf("last pair's error %v, want the 410 ResponseError", end)
	}
}

// WithOneShot: the end of the body ends the stream normally; a broken
// connection is an error, not retried; a failed first attempt is retried.
func TestDialFaultOneShot(t *testing.T) {
	t.Run("EOF", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialStream(w, "data: tok1\n\ndata: tok2\n\ndata: [DONE]\n\n")
		})
		c := mustDial(t, srv.URL, WithOneShot())
		dialExpect(t, c, ev("message", "", "tok1"), ev("message", "", "tok2"), ev("message", "", "[DONE]"))
		if err := dialEnd(t, c); err != nil {
			t.Errorf("Err = %v", err)
		}
		if n := len(srv.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
	t.Run("cut", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialOpen(w)
			dialCut(t, w, "data: tok1\n\ndata: to")
		})
		c := mustDial(t, srv.URL, WithOneShot())
		dialExpect(t, c, ev("message", "", "tok1"))
		if err := dialEnd(t, c); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("Err = %v, want the broken connection", err)
		}
		if n := len(srv.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
	t.Run("first attempt fails", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 0 {
				dialCutNow(t, w)
				return
			}
			dialStream(w, "data: tok\n\n")
		})
		c := mustDial(t, srv.URL, WithOneShot())
		dialExpect(t, c, ev("message", "", "tok"))
		if err := dialEnd(t, c); err != nil {
			t.Errorf("Err = %v", err)
		}
	})
}

// An event larger than WithMaxSize stops the Client with ErrTooLong, without
// reconnecting (the server would send it again).
func TestDialFaultTooLong(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		dialStream(w, "data: short\n\ndata: "+strings.Repeat("x", 100)+"\n\n")
	})
	c := mustDial(t, srv.URL, WithMaxSize(64))
	dialExpect(t, c, ev("message", "", "short"))
	if err := dialEnd(t, c); !errors.Is(err, ErrTooLong) {
		t.Errorf("Err = %v, want ErrTooLong", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

// Dial rejects a nil request.
func TestDialNilRequest(t *testing.T) {
	if c, err := Dial(nil); c != nil || err == nil {
		t.Errorf("Dial(nil) = %v, %v", c, err)
	}
}

// The backoff stays within [base, min(max, max(base, 1s)·2ⁿ)], is exactly
// base without failures or growth, and never overflows.
func TestDialBackoff(t *testing.T) {
	for _, tc := range []struct {
		base, max time.Duration
		failures  int
		lo, hi    time.Duration
	}{
		{3 * time.Second, 30 * time.Second, 0, 3 * time.Second, 3 * time.Second},
		{3 * time.Second, 30 * time.Second, 1, 3 * time.Second, 6 * time.Second},
		{3 * time.Second, 30 * time.Second, 2, 3 * time.Second, 12 * time.Second},
		{3 * time.Second, 30 * time.Second, 4, 3 * time.Second, 30 * time.Second},
		{3 * time.Second, 30 * time.Second, 1000, 3 * time.Second, 30 * time.Second},
		{10 * time.Millisecond, 30 * time.Second, 1, 10 * time.Millisecond, 2 * time.Second},
		{0, 30 * time.Second, 3, 0, 8 * time.Second},
		{time.Minute, 30 * time.Second, 5, time.Minute, time.Minute},
		{3 * time.Second, 0, 5, 3 * time.Second, 3 * time.Second},
		{1 << 62, 1<<63 - 1, 70, 1 << 62, 1<<63 - 1},
	} {
		for _, pick := range []string{"lowest", "highest"} {
			cfg := &config{maxBackoff: tc.max, jitter: func(n int64) int64 {
				if n <= 0 {
					t.Fatalf("jitter(%d)", n)
				}
				if pick == "lowest" {
					return 0
				}
				return n - 1
			}}
			got := cfg.backoff(tc.base, tc.failures)
			want := tc.lo
			if pick == "highest" {
				want = tc.hi
			}
			if got != want {
				t.Errorf("backoff(%v, %d) with max %v, %s jitter = %v, want %v", tc.base, tc.failures, tc.max, pick, got, want)
			}
		}
	}
}

// Retry-After is seconds or an HTTP date.
func TestDialRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		value string
		d     time.Duration
		ok    bool
	}{
		{"0", 0, true},
		{" 120 ", 120 * time.Second, true},
		{now.Add(time.Hour).Format(http.TimeFormat), time.Hour, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999999999999999", 0, false},
		{"18446744073709551615", time.Duration(1<<63-1) / time.Second * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	} {
		d, ok := retryAfter(tc.value, now)
		if d != tc.d || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.value, d, ok, tc.d, tc.ok)
		}
	}
}

// No goroutine outlives a Client: a run with a cut, an idle timeout, a clean
// end and a Close leaves the goroutine count where it started.
func TestDialFaultGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	opt := goleak.IgnoreCurrent()
	func() {
		// The server answers by Last-Event-ID, so an early idle timeout
		// only repeats a step.
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			switch r.Header.Get("Last-Event-Id") {
			case "":
				dialOpen(w)
				dialCut(t, w, "id: 1\ndata: a\n\ndata: b")
			case "1":
				dialStream(w, "id: 2\ndata: b\n\n")
				dialHold(r, nil) // idle timeout
			case "2":
				dialStream(w, "id: 3\ndata: c\n\n") // clean end
			default:
				dialStream(w, "id: 4\ndata: d\n\n")
				dialHold(r, nil) // Close
			}
		})
		defer srv.Close()
		c := mustDial(t, srv.URL, WithIdleTimeout(300*time.Millisecond))
		dialExpect(t, c, ev("message", "1", "a"), ev("message", "2", "b"), ev("message", "3", "c"), ev("message", "4", "d"))
		t.Logf("goroutines: %d before, %d while streaming", before, runtime.NumGoroutine())
		c.Close()
	}()
	goleak.VerifyNone(t, opt)
	t.Logf("goroutines: %d before, %d after Close", before, runtime.NumGoroutine())
}
