package sse

import (
	"bytes"
	"net/http"
	"testing"
)

// Issue 10, item 3: a POST whose stream ended normally was sent again (99
// POSTs in 5 s with "retry: 50"): for a language model API, a new, billed
// generation. A request that is not a GET is one-shot unless WithReconnect
// allows sending it again.

// methodServer streams one event with a short retry per request, and ends
// the stream with a 204 after three requests.
func methodServer(t *testing.T) *dialServer {
	return newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n >= 3 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		dialStream(w, "retry: 1\ndata: tok"+itoa(n)+"\n\n")
	})
}

// methodDial dials method with a replayable body and opts.
func methodDial(t *testing.T, method, url string, opts ...Option) *Client {
	t.Helper()
	req, err := http.NewRequestWithContext(dialCtx(t), method, url, bytes.NewReader([]byte(`{"prompt":"hi"}`)))
	if err != nil {
		t.Fatal(err)
	}
	c, err := dialTest(t, req, opts...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	return c
}

func TestDialMethodOneShotByDefault(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, "QUERY"} {
		t.Run(method, func(t *testing.T) {
			dialLeakCheck(t)
			srv := methodServer(t)
			c := methodDial(t, method, srv.URL)
			dialExpect(t, c, ev("message", "", "tok0"))
			if err := dialEnd(t, c); err != nil {
				t.Errorf("Err = %v, want the normal end of a one-shot stream", err)
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("server saw %d %s requests, want 1", n, method)
			}
		})
	}
}

// A broken one-shot POST is an error, not sent again.
func TestDialMethodOneShotBroken(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		dialOpen(w)
		dialCut(t, w, "data: tok\n\ndata: to")
	})
	c := methodDial(t, http.MethodPost, srv.URL)
	dialExpect(t, c, ev("message", "", "tok"))
	if err := dialEnd(t, c); err == nil {
		t.Error("Err = nil, want the broken connection")
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

// GET reconnects without options; WithReconnect makes a POST reconnect, its
// body replayed; of WithOneShot and WithReconnect the later wins.
func TestDialMethodReconnect(t *testing.T) {
	for _, tc := range []struct {
		name   string
		method string
		opts   []Option
		want   int // requests
	}{
		{"GET", http.MethodGet, nil, 4},
		{"empty method is GET", "", nil, 4},
		{"POST WithReconnect", http.MethodPost, []Option{WithReconnect()}, 4},
		{"POST WithOneShot WithReconnect", http.MethodPost, []Option{WithOneShot(), WithReconnect()}, 4},
		{"POST WithReconnect WithOneShot", http.MethodPost, []Option{WithReconnect(), WithOneShot()}, 1},
		{"GET WithOneShot", http.MethodGet, []Option{WithOneShot()}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dialLeakCheck(t)
			srv := methodServer(t)
			c := methodDial(t, tc.method, srv.URL, tc.opts...)
			for i := range min(tc.want, 3) {
				dialExpect(t, c, ev("message", "", "tok"+itoa(i)))
			}
			if err := dialEnd(t, c); err != nil {
				t.Errorf("Err = %v", err)
			}
			reqs := srv.requests()
			if len(reqs) != tc.want {
				t.Fatalf("server saw %d requests, want %d", len(reqs), tc.want)
			}
			for i, r := range reqs {
				if r.Body != `{"prompt":"hi"}` {
					t.Errorf("request %d: body %q, want it replayed", i, r.Body)
				}
			}
		})
	}
}

// A one-shot POST still retries an attempt that failed before its stream
// opened (WithOneShot's rule), with its body.
func TestDialMethodOneShotRetriesFirstAttempt(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			dialCutNow(t, w)
			return
		}
		dialStream(w, "data: tok\n\n")
	})
	c := methodDial(t, http.MethodPost, srv.URL)
	dialExpect(t, c, ev("message", "", "tok"))
	if err := dialEnd(t, c); err != nil {
		t.Errorf("Err = %v", err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}
