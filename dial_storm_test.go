package sse

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Issue 10, item 1: a server that sends "retry: 0" and one event, then
// closes, drove the Client into a reconnection loop (54,626 connections in
// 3 s). These tests use the default floor and backoff, and count requests
// and the waits the Client computes, never the time it takes.

// withJitter replaces the backoff's random draw: f gets n and returns a
// number in [0, n).
func withJitter(f func(n int64) int64) Option {
	return func(c *config) { c.jitter = f }
}

// stormGuard is how many requests a storm test's server answers with a
// stream before it ends the stream with a 204, so that a Client that
// reconnects without end fails the test instead of hanging it.
const stormGuard = 20

// newStormServer answers every request with chunks and an immediate end,
// until stormGuard requests, then with 204.
func newStormServer(t *testing.T, chunks ...string) *dialServer {
	return newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n >= stormGuard {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		dialStream(w, chunks...)
	})
}

// stormDial dials url with opts and no test defaults, guarded against
// deadlock, and closes the Client when the test ends.
func stormDial(t *testing.T, url string, opts ...Option) *Client {
	t.Helper()
	ch := make(chan *Client, 1)
	go func() {
		c, err := Dial(dialGet(t, url), opts...)
		if err != nil {
			t.Errorf("Dial: %v", err)
		}
		ch <- c
	}()
	select {
	case c := <-ch:
		if c == nil {
			t.FailNow()
		}
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(dialDeadlock):
		t.Fatalf("Dial blocked for %v", dialDeadlock)
		return nil
	}
}

// A connection that delivers an event and ends at once is a failed attempt:
// WithMaxAttempts stops the Client, every wait is at least the floor though
// the server asks for "retry: 0", and the backoff grows.
func TestDialStormShortConnectionsFail(t *testing.T) {
	dialLeakCheck(t)
	srv := newStormServer(t, "retry: 0\ndata: x\n\n")
	var (
		mu     sync.Mutex
		ranges []int64 // the ranges the backoff drew from
		delays []time.Duration
	)
	c := stormDial(t, srv.URL,
		WithMaxAttempts(3),
		withJitter(func(n int64) int64 { mu.Lock(); ranges = append(ranges, n); mu.Unlock(); return 0 }),
		WithOnRetry(func(_ int, d time.Duration) { delays = append(delays, d) }))
	n := 0
	for {
		if _, ok := dialNext(t, c); !ok {
			break
		}
		n++
	}
	if err := c.Err(); !errors.Is(err, ErrGaveUp) || !errors.Is(err, errEOF) {
		t.Errorf("Err = %v, want ErrGaveUp wrapping the end of the stream", err)
	}
	if got := len(srv.requests()); got != 3 || n != 3 {
		t.Errorf("%d requests, %d events; want 3 of each (WithMaxAttempts(3))", got, n)
	}
	if len(delays) != 2 {
		t.Fatalf("waits %v, want 2", delays)
	}
	for i, d := range delays {
		if d < DefaultMinDelay {
			t.Errorf("wait %d = %v, want at least the floor %v", i, d, DefaultMinDelay)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	// The backoff is drawn before each wait and once more before giving up.
	if len(ranges) != 3 || ranges[1] <= ranges[0] || ranges[2] <= ranges[1] {
		t.Errorf("backoff ranges %v, want three, growing", ranges)
	}
}

// WithMaxElapsed stops a storm too: the failures never reset.
func TestDialStormMaxElapsed(t *testing.T) {
	dialLeakCheck(t)
	srv := newStormServer(t, "retry: 0\ndata: x\n\n")
	c := stormDial(t, srv.URL, WithMaxElapsed(time.Second), withJitter(func(int64) int64 { return 0 }))
	for {
		if _, ok := dialNext(t, c); !ok {
			break
		}
	}
	if err := c.Err(); !errors.Is(err, ErrGaveUp) {
		t.Errorf("Err = %v, want ErrGaveUp", err)
	}
	if n := len(srv.requests()); n >= stormGuard {
		t.Errorf("%d requests, want the storm stopped by WithMaxElapsed", n)
	}
}

// The floor holds for WithRetry(0) too, and WithMinDelay moves it.
func TestDialStormFloor(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
		want time.Duration
	}{
		{"default", nil, DefaultMinDelay},
		{"WithMinDelay", []Option{WithMinDelay(20 * time.Millisecond)}, 20 * time.Millisecond},
		{"WithMinDelay(0)", []Option{WithMinDelay(0)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dialLeakCheck(t)
			srv := newStormServer(t, "data: x\n\n")
			ctx, cancel := context.WithCancel(dialCtx(t))
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			var delay time.Duration
			opts := append([]Option{WithRetry(0), WithBackoff(0),
				WithOnRetry(func(_ int, d time.Duration) { delay = d; cancel() })}, tc.opts...)
			c, err := Dial(req, opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			dialExpect(t, c, ev("message", "", "x"))
			if err := dialEnd(t, c); !errors.Is(err, context.Canceled) {
				t.Errorf("Err = %v, want the cancellation", err)
			}
			if delay != tc.want {
				t.Errorf("wait %v, want %v", delay, tc.want)
			}
		})
	}
}

// A retry field is capped: "retry: 9223372036854" (valid, 292 years) waits
// DefaultMaxRetry, or what WithMaxRetry sets; so does a Retry-After header.
func TestDialStormRetryCap(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
		want time.Duration
	}{
		{"default", nil, DefaultMaxRetry},
		{"WithMaxRetry", []Option{WithMaxRetry(2 * time.Second)}, 2 * time.Second},
		{"WithMaxRetry(0)", []Option{WithMaxRetry(0)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dialLeakCheck(t)
			srv := newStormServer(t, "retry: 9223372036854\ndata: x\n\n")
			ctx, cancel := context.WithCancel(dialCtx(t))
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			var delay time.Duration
			c, err := Dial(req, append([]Option{WithOnRetry(func(_ int, d time.Duration) { delay = d; cancel() })}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			dialExpect(t, c, ev("message", "", "x"))
			if d, set := c.Retry(); d != tc.want || !set {
				t.Errorf("Retry() = %v, %v; want %v, true", d, set, tc.want)
			}
			dialEnd(t, c)
			// The backoff may add up to DefaultMaxBackoff above a cap
			// shorter than it.
			if delay < tc.want || delay > max(tc.want, DefaultMaxBackoff) {
				t.Errorf("wait %v, want %v (at most %v with backoff)", delay, tc.want, max(tc.want, DefaultMaxBackoff))
			}
		})
	}
	t.Run("Retry-After", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "9223372036")
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		ctx, cancel := context.WithCancel(dialCtx(t))
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		var delay time.Duration
		_, err := Dial(req, WithRetryStatus(), WithMaxRetry(time.Minute), WithBackoff(0),
			WithOnRetry(func(_ int, d time.Duration) { delay = d; cancel() }))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Dial: %v, want the cancellation", err)
		}
		if delay != time.Minute {
			t.Errorf("wait %v, want the cap, 1m", delay)
		}
	})
}

// A connection that delivers an event and stays open for the healthy time
// resets the count of failed attempts; one that ends sooner does not.
func TestDialStormHealthyResets(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch {
		case n == 6:
			w.WriteHeader(http.StatusNoContent)
		case n%2 == 0:
			// Open for well over the healthy time (the Client's clock
			// starts after the response head, sent before this wait).
			dialStream(w, "data: long\n\n")
			time.Sleep(150 * time.Millisecond)
		default:
			dialStream(w, "data: short\n\n")
		}
	})
	var h dialHooks
	c := mustDial(t, srv.URL, append(h.options(), WithMaxAttempts(2), WithHealthyAfter(50*time.Millisecond))...)
	for i := range 6 {
		want := "long"
		if i%2 == 1 {
			want = "short"
		}
		dialExpect(t, c, ev("message", "", want))
	}
	if err := dialEnd(t, c); err != nil {
		t.Errorf("Err = %v, want the normal end of a 204 (the count never reached 2)", err)
	}
}
