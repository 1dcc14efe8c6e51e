package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fastsse/sse"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// hangGuard bounds every wait for an event; it is never what a test
// waits for.
const hangGuard = 10 * time.Second

// room is a chat room served on loopback.
type room struct {
	*httptest.Server
	mux   *http.ServeMux // serves chat; a test may add routes of its own
	chat  *server
	clock *fakeClock // nil when the room runs on the real clock
	cfg   config
}

// start serves a chat room on loopback, on a clock the test moves unless
// cfg says otherwise, and stops it when the test ends.
func start(t *testing.T, cfg config) *room {
	t.Helper()
	if cfg.Replay == 0 {
		cfg.Replay = 1000
	}
	if cfg.Heartbeat == 0 {
		cfg.Heartbeat = time.Minute
	}
	if cfg.Retry == 0 {
		cfg.Retry = time.Second
	}
	rm := &room{}
	if cfg.Clock == nil {
		rm.clock = &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		cfg.Clock = rm.clock
	}
	cfg.setDefaults()
	rm.cfg = cfg
	rm.chat = newServer(cfg)
	rm.mux = http.NewServeMux()
	rm.mux.Handle("/", rm.chat)
	rm.Server = httptest.NewServer(rm.mux)
	// Cleanups run last first: end the streams, then the server.
	t.Cleanup(rm.Close)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
		defer cancel()
		if err := rm.chat.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return rm
}

// flush moves the clock past the presence interval, so that a snapshot
// due is published.
func (rm *room) flush() { rm.clock.advance(rm.cfg.PresenceEvery) }

// waitStreams waits until the session named name has n streams open, as
// the server counts them.
func (rm *room) waitStreams(t *testing.T, name string, n int) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for {
		ss := rm.chat.sessions
		ss.mu.Lock()
		got := -1
		if s := ss.byName[foldName(name)]; s != nil {
			got = s.streams
		}
		ss.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d streams, want %d", name, got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// fakeClock is a clock that moves only when the test says.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at   time.Time
	f    func()
	done bool // fired or stopped
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		stopped := !t.done
		t.done = true
		return stopped
	}
}

// advance moves the clock on by d, and calls the functions of the timers
// that are then due, in the test's goroutine.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []func()
	live := c.timers[:0]
	for _, t := range c.timers {
		switch {
		case t.done:
		case !t.at.After(c.now):
			t.done = true
			due = append(due, t.f)
		default:
			live = append(live, t)
		}
	}
	c.timers = live
	c.mu.Unlock()
	for _, f := range due {
		f()
	}
}

// browser is a browser: its own cookies, and the headers a browser adds
// to the requests of a same-origin page.
type browser struct {
	t      *testing.T
	rm     *room
	client *http.Client
}

func newBrowser(t *testing.T, rm *room) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, rm: rm, client: &http.Client{Transport: rm.Client().Transport, Jar: jar}}
}

// joined is a browser that joined as name.
func joined(t *testing.T, rm *room, name string) *browser {
	t.Helper()
	b := newBrowser(t, rm)
	b.join(name)
	return b
}

// request sends a request as the page would, with header added; it
// returns the response, whose body has been read into body.
func (b *browser) request(method, path, contentType, reqBody string, header http.Header) (resp *http.Response, body string) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.rm.URL+path, strings.NewReader(reqBody))
	if err != nil {
		b.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if method == "POST" {
		req.Header.Set("Origin", b.rm.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err = b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	bs, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, strings.TrimSpace(string(bs))
}

const formType = "application/x-www-form-urlencoded"

// post posts a form to path.
func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	resp, body := b.request("POST", path, formType, form.Encode(), nil)
	return resp.StatusCode, body
}

func (b *browser) join(name string) {
	b.t.Helper()
	if code, body := b.post("/join", url.Values{"name": {name}}); code != http.StatusOK {
		b.t.Fatalf("join as %q: %d %s", name, code, body)
	}
}

// say posts a message and fails unless it is accepted.
func (b *browser) say(text string) {
	b.t.Helper()
	if code, body := b.post("/send", url.Values{"text": {text}}); code != http.StatusNoContent {
		b.t.Fatalf("send %q: %d %s", text, code, body)
	}
}

// subscriber is a browser's stream, read with sse.Scanner from a real
// response body.
type subscriber struct {
	events chan event
	body   io.ReadCloser
	bytes  *atomic.Int64 // read from the body so far
	retry  time.Duration // the retry field in effect at the last event read
}

type event struct {
	sse.Event
	retry time.Duration
	bytes int64 // read from the body when the event was dispatched
}

// subscribe opens the browser's stream; lastID, if any, is sent as
// Last-Event-ID.
func (b *browser) subscribe(lastID string) *subscriber {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.rm.URL+"/events", nil)
	if err != nil {
		b.t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	return b.open(req)
}

func (b *browser) open(req *http.Request) *subscriber {
	t := b.t
	t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("GET %s: %s", req.URL, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	s := &subscriber{events: make(chan event, 100), body: resp.Body, bytes: new(atomic.Int64)}
	go func() {
		defer close(s.events)
		sc := sse.NewScanner(countingReader{resp.Body, s.bytes})
		for sc.Next() {
			e := event{bytes: s.bytes.Load()}
			sc.Decode(&e.Event)
			e.retry, _ = sc.Retry()
			s.events <- e
		}
	}()
	t.Cleanup(s.close)
	return s
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// close ends the stream, as a browser tab being closed does.
func (s *subscriber) close() { s.body.Close() }

// next returns the next event.
func (s *subscriber) next(t *testing.T) event {
	t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			t.Fatal("stream ended")
		}
		s.retry = e.retry
		return e
	case <-time.After(hangGuard):
		t.Fatal("no event")
	}
	panic("unreachable")
}

// end waits for the stream to end.
func (s *subscriber) end(t *testing.T) {
	t.Helper()
	timeout := time.After(hangGuard)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("stream did not end")
		}
	}
}

// nextOf returns the next event of type typ, skipping others.
func (s *subscriber) nextOf(t *testing.T, typ string) event {
	t.Helper()
	for {
		if ev := s.next(t); ev.Type == typ {
			return ev
		}
	}
}

// presenceOf decodes a presence event.
func presenceOf(t *testing.T, ev event) presenceData {
	t.Helper()
	if ev.Type != "presence" {
		t.Fatalf("%s event %q, want presence", ev.Type, ev.Data)
	}
	var p presenceData
	if err := json.Unmarshal([]byte(ev.Data), &p); err != nil {
		t.Fatalf("presence %q: %v", ev.Data, err)
	}
	if p.Count != len(p.Online) {
		t.Fatalf("presence %q: count is not the number of names", ev.Data)
	}
	return p
}

// wantPresence reads the next event, which must be a presence event
// listing exactly names.
func (s *subscriber) wantPresence(t *testing.T, names ...string) {
	t.Helper()
	if p := presenceOf(t, s.next(t)); !slices.Equal(p.Online, names) {
		t.Fatalf("online %q, want %q", p.Online, names)
	}
}

// nextMessage returns the next message event, decoded.
func (s *subscriber) nextMessage(t *testing.T) (message, event) {
	t.Helper()
	ev := s.nextOf(t, "message")
	return messageOf(t, ev), ev
}

// wantMessage reads the next event, which must be the message text from
// name.
func (s *subscriber) wantMessage(t *testing.T, name, text string) {
	t.Helper()
	ev := s.next(t)
	if ev.Type != "message" {
		t.Fatalf("%s event %q, want message %q", ev.Type, ev.Data, text)
	}
	if m := messageOf(t, ev); m.Name != name || m.Text != text {
		t.Fatalf("message %q from %q, want %q from %q", m.Text, m.Name, text, name)
	}
}

func messageOf(t *testing.T, ev event) message {
	t.Helper()
	var m message
	if err := json.Unmarshal([]byte(ev.Data), &m); err != nil {
		t.Fatalf("message %q: %v", ev.Data, err)
	}
	return m
}
