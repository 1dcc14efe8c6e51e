package sse_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fastsse/sse"
)

// streamGuard bounds each request of these tests, so that a stream which
// does not flush fails the test instead of hanging it. No test depends on
// how long anything takes.
const streamGuard = 30 * time.Second

// streamMiddleware wraps a ResponseWriter the way logging or metrics
// middleware does: it hides the Flush method but offers Unwrap.
type streamMiddleware struct {
	http.ResponseWriter
	writes int
}

func (m *streamMiddleware) Write(p []byte) (int, error) {
	m.writes++
	return m.ResponseWriter.Write(p)
}

func (m *streamMiddleware) Unwrap() http.ResponseWriter { return m.ResponseWriter }

// streamOpaque wraps a ResponseWriter and hides everything but the three
// ResponseWriter methods: it cannot be flushed.
type streamOpaque struct{ http.ResponseWriter }

// streamLeakCheck makes t fail if goroutines it started outlive it. It runs
// after the test's other cleanups, the server's Close among them.
func streamLeakCheck(t *testing.T) {
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

// streamServer starts a server whose handler opens a stream with NewStream
// on wrap(w) and sends each event it receives from events until events is
// closed. An error from NewStream is sent on errc and answered with 500.
func streamServer(t *testing.T, wrap func(http.ResponseWriter) http.ResponseWriter,
	events <-chan sse.Event, errc chan<- error) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000") // must not survive NewStream
		ew, err := sse.NewStream(wrap(w))
		errc <- err
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		for {
			select {
			case e, ok := <-events:
				if !ok {
					return
				}
				if err := ew.Send(e); err != nil {
					t.Errorf("Send: %v", err)
					return
				}
			case <-r.Context().Done():
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// streamGet requests url with the server's client, bounded by streamGuard.
func streamGet(t *testing.T, srv *httptest.Server) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), streamGuard)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestNewStreamLive(t *testing.T) {
	for _, middleware := range []bool{false, true} {
		name := "direct"
		if middleware {
			name = "middleware with Unwrap"
		}
		t.Run(name, func(t *testing.T) {
			streamLeakCheck(t)
			mwc := make(chan *streamMiddleware, 1)
			wrap := func(w http.ResponseWriter) http.ResponseWriter {
				if !middleware {
					return w
				}
				m := &streamMiddleware{ResponseWriter: w}
				mwc <- m
				return m
			}
			events := make(chan sse.Event)
			errc := make(chan error, 1)
			srv := streamServer(t, wrap, events, errc)

			// The handler is now blocked waiting for an event: the response
			// arrives only if NewStream flushed the header.
			resp := streamGet(t, srv)
			if err := <-errc; err != nil {
				t.Fatalf("NewStream: %v", err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", resp.StatusCode)
			}
			for name, want := range map[string]string{
				"Content-Type":      "text/event-stream",
				"Cache-Control":     "no-cache",
				"X-Accel-Buffering": "no",
				"Content-Length":    "",
			} {
				if got := resp.Header.Get(name); got != want {
					t.Errorf("header %s: %q, want %q", name, got, want)
				}
			}
			if resp.ContentLength != -1 {
				t.Errorf("ContentLength %d, want -1 (streamed)", resp.ContentLength)
			}

			// Each event is read before the next is sent: it must have been
			// flushed on its own.
			want := []sse.Event{
				{Type: "first", ID: "1", Data: "one"},
				{Type: "message", ID: "1", Data: "two\nlines"},
				{Type: "third", ID: "3", Data: ""},
			}
			s := sse.NewScanner(resp.Body)
			for i, e := range want {
				send := e
				if send.Type == sse.DefaultType {
					send.Type = ""
				}
				if i > 0 && send.ID == want[i-1].ID {
					send.ID = ""
				}
				events <- send
				if !s.Next() {
					t.Fatalf("event %d: stream ended: %v", i, s.Err())
				}
				var got sse.Event
				if err := s.Decode(&got); err != nil {
					t.Fatal(err)
				}
				if got != e {
					t.Errorf("event %d: got %+v, want %+v", i, got, e)
				}
			}
			close(events)
			if s.Next() {
				t.Errorf("unexpected event after the handler returned: %q", s.Data())
			}
			if err := s.Err(); err != nil {
				t.Errorf("stream ended with %v", err)
			}
			if middleware {
				if m := <-mwc; m.writes != len(want) {
					t.Errorf("middleware saw %d writes, want %d", m.writes, len(want))
				}
			}
			resp.Body.Close()
			srv.Close()
		})
	}
}

func TestNewStreamNotFlushable(t *testing.T) {
	streamLeakCheck(t)
	errc := make(chan error, 1)
	srv := streamServer(t, func(w http.ResponseWriter) http.ResponseWriter {
		return streamOpaque{w}
	}, nil, errc)
	resp := streamGet(t, srv)
	err := <-errc
	if !errors.Is(err, sse.ErrNoFlush) || !errors.Is(err, http.ErrNotSupported) {
		t.Errorf("NewStream: got %v, want an error wrapping ErrNoFlush and http.ErrNotSupported", err)
	}
	// NewStream wrote nothing, so the handler could still choose the status.
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct == "text/event-stream" {
		t.Errorf("Content-Type %q set on the error response", ct)
	}
	resp.Body.Close()
	srv.Close()
}

func TestNewStreamRecorder(t *testing.T) {
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Length", "5")
	rec.Header().Set("Content-Type", "text/plain")
	w, err := sse.NewStream(rec)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusOK || !rec.Flushed || rec.Body.Len() != 0 {
		t.Errorf("after NewStream: code %d, flushed %v, body %q; want 200, true, empty", rec.Code, rec.Flushed, rec.Body)
	}
	h := rec.Result().Header
	if h.Get("Content-Type") != "text/event-stream" || h.Get("Content-Length") != "" {
		t.Errorf("headers %v", h)
	}
	if err := w.Send(sse.Event{Data: "x"}); err != nil {
		t.Fatal(err)
	}
	if rec.Body.String() != "data: x\n\n" {
		t.Errorf("body %q", rec.Body)
	}
}

// streamFlushError is a ResponseWriter whose FlushError fails.
type streamFlushError struct {
	*httptest.ResponseRecorder
	err error
}

func (f streamFlushError) FlushError() error { return f.err }

func TestNewStreamFlushError(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		noFlush bool
	}{
		{"not supported", http.ErrNotSupported, true},
		{"other", errors.New("connection reset"), false},
	} {
		rw := streamFlushError{httptest.NewRecorder(), tc.err}
		w, err := sse.NewStream(rw)
		if w != nil || !errors.Is(err, tc.err) || errors.Is(err, sse.ErrNoFlush) != tc.noFlush {
			t.Errorf("%s: got %v, %v; want nil and an error wrapping %v (ErrNoFlush: %v)", tc.name, w, err, tc.err, tc.noFlush)
		}
	}
}

func ExampleNewStream() {
	// A handler that streams a countdown: headers go out with the first
	// event, and every event is flushed to the client as it is sent.
	countdown := func(w http.ResponseWriter, r *http.Request) {
		sw, err := sse.NewStream(w)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		for n := 3; n > 0; n-- {
			ev := sse.Event{Type: "tick", ID: strconv.Itoa(n), Data: strconv.Itoa(n) + "…"}
			if err := sw.Send(ev); err != nil {
				return // the client has gone
			}
		}
		sw.Send(sse.Event{Type: "done", Data: "liftoff\nwe have liftoff"})
	}
	srv := httptest.NewServer(http.HandlerFunc(countdown))
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.Header.Get("Content-Type"))
	for ev, err := range sse.Read(resp.Body) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s %q\n", ev.Type, ev.ID, ev.Data)
	}
	// Output:
	// text/event-stream
	// tick 3 "3…"
	// tick 2 "2…"
	// tick 1 "1…"
	// done 1 "liftoff\nwe have liftoff"
}
