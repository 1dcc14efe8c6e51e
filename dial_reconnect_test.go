package sse

import (
	"errors"
	"net/http"
	"sync"
	"testing"
)

// Issue 10, item 4: Client.Reconnect drops the connection and reconnects by
// the usual rules.

// reconnectServer sends "id: n" and "data: n" on the nth request (from 1)
// and holds the stream open until the client goes away; after the third it
// ends the stream with a 204.
func reconnectServer(t *testing.T) *dialServer {
	return newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n >= 3 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		dialStream(w, "id: "+itoa(n+1)+"\ndata: "+itoa(n+1)+"\n\n")
		dialHold(r, nil)
	})
}

func TestDialReconnect(t *testing.T) {
	dialLeakCheck(t)
	srv := reconnectServer(t)
	var h dialHooks
	// WithMaxAttempts(1): a forced reconnection is not a failed attempt.
	c := mustDial(t, srv.URL, append(h.options(), WithMaxAttempts(1))...)
	dialExpect(t, c, ev("message", "1", "1"))
	go c.Reconnect() // from another goroutine
	dialExpect(t, c, ev("message", "2", "2"))
	c.Reconnect()
	dialExpect(t, c, ev("message", "3", "3"))
	c.Reconnect()
	if err := dialEnd(t, c); err != nil {
		t.Errorf("Err = %v, want the normal end of a 204", err)
	}
	reqs := srv.requests()
	if len(reqs) != 4 {
		t.Fatalf("server saw %d requests, want 4", len(reqs))
	}
	for i, want := range []string{"", "1", "2", "3"} {
		if got := reqs[i].Header.Get("Last-Event-Id"); got != want {
			t.Errorf("request %d: Last-Event-ID %q, want %q", i, got, want)
		}
	}
	if got, want := h.String(), "connect disconnect retry connect disconnect retry connect disconnect retry"; got != want {
		t.Errorf("hooks:\n%s\nwant\n%s", got, want)
	}
	for _, err := range h.errs {
		if !errors.Is(err, ErrForcedReconnect) {
			t.Errorf("disconnect cause %v, want ErrForcedReconnect", err)
		}
	}
	for i, d := range h.delay {
		if d != 1e6 {
			t.Errorf("wait %d = %v, want the reconnection time, 1ms", i, d)
		}
	}
}

// Reconnect from a hook, and from many goroutines at once while Next reads.
func TestDialReconnectConcurrent(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		dialStream(w, "id: "+itoa(n)+"\ndata: x\n\n")
		dialHold(r, nil)
	})
	var c *Client
	connects := 0
	hooked := make(chan struct{})
	c = mustDial(t, srv.URL, WithOnConnect(func(*http.Response) {
		if connects++; connects == 2 {
			c.Reconnect() // from a hook, once
			close(hooked)
		}
	}))
	dialExpect(t, c, ev("message", "0", "x"))
	// Each connection sends one event and holds: every further event needs
	// one of the concurrent calls to drop the connection it came on.
	var wg sync.WaitGroup
	for range 3 {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.Reconnect()
			}()
		}
		if _, ok := dialNext(t, c); !ok {
			t.Fatalf("stream ended: %v", c.Err())
		}
	}
	wg.Wait()
	dialWait(t, hooked, "the hook's Reconnect")
	c.Close()
	if n := len(srv.requests()); n < 4 {
		t.Errorf("server saw %d requests, want at least 4", n)
	}
}

// Reconnect does nothing after Close or after the end of the stream, and a
// one-shot request reconnects when asked.
func TestDialReconnectNoOp(t *testing.T) {
	t.Run("after Close", func(t *testing.T) {
		dialLeakCheck(t)
		srv := reconnectServer(t)
		c := mustDial(t, srv.URL)
		dialExpect(t, c, ev("message", "1", "1"))
		c.Close()
		c.Reconnect()
		if err := dialEnd(t, c); err != nil {
			t.Errorf("Err = %v", err)
		}
		c.Reconnect()
		if n := len(srv.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
	t.Run("after the end", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			dialStream(w, "data: x\n\n")
		})
		c := mustDial(t, srv.URL, WithOneShot())
		dialExpect(t, c, ev("message", "", "x"))
		dialEnd(t, c)
		c.Reconnect()
		if _, ok := dialNext(t, c); ok || c.Err() != nil {
			t.Errorf("after Reconnect at the end: Next true or Err %v", c.Err())
		}
		if n := len(srv.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
	t.Run("one-shot POST", func(t *testing.T) {
		dialLeakCheck(t)
		srv := reconnectServer(t)
		c := methodDial(t, http.MethodPost, srv.URL)
		dialExpect(t, c, ev("message", "1", "1"))
		c.Reconnect()
		dialExpect(t, c, ev("message", "2", "2"))
		reqs := srv.requests()
		if len(reqs) != 2 || reqs[1].Method != http.MethodPost || reqs[1].Body != `{"prompt":"hi"}` {
			t.Errorf("requests %+v, want the POST sent again, with its body", reqs)
		}
	})
}
