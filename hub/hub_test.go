package hub

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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

// client is a real HTTP client reading a hub's stream with the Scanner.
type client struct {
	events chan sse.Event
	resp   *http.Response
	retry  time.Duration
	beats  int
	mu     sync.Mutex
}

// subscribe connects to url with the given headers and reads events into
// a channel until the stream ends.
func subscribe(t *testing.T, url string, header ...string) *client {
	t.Helper()
	return subscribeWith(t, http.DefaultClient, url, header...)
}

// subscribeWith is subscribe with the given HTTP client.
func subscribeWith(t *testing.T, hc *http.Client, url string, header ...string) *client {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("status %s", resp.Status)
	}
	c := &client{events: make(chan sse.Event, 1000), resp: resp}
	s := sse.NewScanner(resp.Body)
	s.OnComment(func([]byte) { c.mu.Lock(); c.beats++; c.mu.Unlock() })
	go func() {
		defer close(c.events)
		for s.Next() {
			var e sse.Event
			s.Decode(&e)
			c.mu.Lock()
			c.retry, _ = s.Retry()
			c.mu.Unlock()
			c.events <- e
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	return c
}

// waitBeats waits until the client has received n heartbeat comments,
// failing after a deadlock guard.
func (c *client) waitBeats(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		beats := c.beats
		c.mu.Unlock()
		if beats >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d heartbeats, want %d", beats, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// next returns the client's next event, failing after a deadlock guard.
func (c *client) next(t *testing.T) sse.Event {
	t.Helper()
	select {
	case e, ok := <-c.events:
		if !ok {
			t.Fatal("stream ended")
		}
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
	}
	return sse.Event{}
}

// datas reads events until one with data "end" and returns the data of
// those before it.
func (c *client) datas(t *testing.T) []string {
	t.Helper()
	var out []string
	for {
		e := c.next(t)
		if e.Data == "end" {
			return out
		}
		out = append(out, e.Data)
	}
}

// ended waits for the stream to end.
func (c *client) ended(t *testing.T) {
	t.Helper()
	for {
		select {
		case _, ok := <-c.events:
			if !ok {
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatal("stream did not end")
		}
	}
}

// serve starts h on loopback; the server and the hub close at the end.
// Middleware wraps the Hub's handler.
func serve(t *testing.T, h *Hub, middleware ...func(http.Handler) http.Handler) string {
	t.Helper()
	var handler http.Handler = h
	for _, m := range middleware {
		handler = m(handler)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(func() {
		h.Close()
		srv.Close()
	})
	return srv.URL
}

// waitClients waits until the hub serves n streams.
func waitClients(t *testing.T, h *Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.Clients() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d clients, want %d", h.Clients(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func byHeader(r *http.Request) string { return r.Header.Get("X-User") }

func TestBroadcast(t *testing.T) {
	h := New()
	url := serve(t, h)
	cs := []*client{subscribe(t, url), subscribe(t, url), subscribe(t, url)}
	waitClients(t, h, 3)
	for _, d := range []string{"a", "b\nc", "end"} {
		if _, err := h.Publish(sse.Event{Type: "t", Data: d}); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cs {
		if got := c.datas(t); strings.Join(got, "|") != "a|b\nc" {
			t.Errorf("client %d got %q", i, got)
		}
	}
}

func TestTargets(t *testing.T) {
	h := New(WithSubscriberID(byHeader))
	url := serve(t, h)
	alice1, alice2 := subscribe(t, url, "X-User", "alice"), subscribe(t, url, "X-User", "alice")
	bob, carol := subscribe(t, url, "X-User", "bob"), subscribe(t, url, "X-User", "carol")
	waitClients(t, h, 4)
	h.Publish(sse.Event{Data: "to alice"}, To("alice"))
	h.Publish(sse.Event{Data: "not alice"}, Except("alice"))
	h.Publish(sse.Event{Data: "bob only"}, To("bob", "carol"), Except("carol"))
	h.Publish(sse.Event{Data: "end"})
	for name, tc := range map[string]struct {
		c    *client
		want string
	}{
		"alice1": {alice1, "to alice"}, "alice2": {alice2, "to alice"},
		"bob": {bob, "not alice|bob only"}, "carol": {carol, "not alice"},
	} {
		if got := strings.Join(tc.c.datas(t), "|"); got != tc.want {
			t.Errorf("%s got %q, want %q", name, got, tc.want)
		}
	}
}

// TestTopics: an event with topics reaches only the subscribers of one of
// them and those that asked for every topic; a subscriber without topics
// gets only the events without; a client naming "*" as its topic gets
// nothing more than a topic called "*".
func TestTopics(t *testing.T) {
	h := New(WithTopics(func(r *http.Request) []string {
		if r.URL.Query().Has("all") {
			return AllTopics(r)
		}
		return r.URL.Query()["topic"]
	}))
	url := serve(t, h)
	a, ab, all := subscribe(t, url+"?topic=a"), subscribe(t, url+"?topic=a&topic=b"), subscribe(t, url+"?all")
	none, star := subscribe(t, url), subscribe(t, url+"?topic=*")
	waitClients(t, h, 5)
	h.Publish(sse.Event{Data: "A"}, Topics("a"))
	h.Publish(sse.Event{Data: "B"}, Topics("b"))
	h.Publish(sse.Event{Data: "AB"}, Topics("a"), Topics("b"))
	h.Publish(sse.Event{Data: "nobody"}, Topics())
	h.Publish(sse.Event{Data: "untopical"})
	h.Publish(sse.Event{Data: "end"})
	for name, tc := range map[string]struct {
		c    *client
		want string
	}{
		"a": {a, "A|AB|untopical"}, "ab": {ab, "A|B|AB|untopical"}, "all": {all, "A|B|AB|untopical"},
		"none": {none, "untopical"}, "star": {star, "untopical"},
	} {
		if got := strings.Join(tc.c.datas(t), "|"); got != tc.want {
			t.Errorf("%s got %q, want %q", name, got, tc.want)
		}
	}
}

func TestPublishJSONAndInvalid(t *testing.T) {
	h := New()
	url := serve(t, h)
	c := subscribe(t, url)
	waitClients(t, h, 1)
	if _, err := h.PublishJSON("price", map[string]float64{"AAPL": 189.5}); err != nil {
		t.Fatal(err)
	}
	if e := c.next(t); e.Type != "price" || e.Data != `{"AAPL":189.5}` {
		t.Errorf("got %+v", e)
	}
	if _, err := h.Publish(sse.Event{Type: "a\nb", Data: "x"}); !errors.Is(err, sse.ErrInvalidField) {
		t.Errorf("Publish with a line break in the type: %v", err)
	}
	if _, err := h.PublishJSON("x", func() {}); err == nil {
		t.Error("PublishJSON of a func succeeded")
	}
}

// TestReplay resumes a client from its Last-Event-ID with exactly the
// events it missed.
func TestReplay(t *testing.T) {
	var mu sync.Mutex
	var reconnects []bool
	h := New(WithReplay(100, 0), WithAutoIDs(), WithOnReconnect(func(s Subscriber, resumed bool) {
		mu.Lock()
		reconnects = append(reconnects, resumed)
		mu.Unlock()
	}))
	url := serve(t, h)
	c := subscribe(t, url)
	waitClients(t, h, 1)
	for i := 1; i <= 3; i++ {
		h.Publish(sse.Event{Data: fmt.Sprint(i)})
	}
	var last sse.Event
	for range 3 {
		last = c.next(t)
	}
	c.resp.Body.Close()
	waitClients(t, h, 0)
	h.Publish(sse.Event{Data: "4"})
	h.Publish(sse.Event{Data: "5"})
	h.Publish(sse.Event{Data: "end"})

	c2 := subscribe(t, url, "Last-Event-ID", last.ID)
	if got := strings.Join(c2.datas(t), "|"); got != "4|5" {
		t.Errorf("resumed with %q, want 4|5", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reconnects) != 1 || !reconnects[0] {
		t.Errorf("reconnect hook calls %v", reconnects)
	}
}

// TestReplayEvicted sends a reset event to a client whose id is gone.
func TestReplayEvicted(t *testing.T) {
	h := New(WithReplay(3, 0), WithAutoIDs())
	url := serve(t, h)
	for i := range 5 {
		h.Publish(sse.Event{Data: fmt.Sprint(i)})
	}
	c := subscribe(t, url, "Last-Event-ID", "some-old-id")
	reset := c.next(t)
	if reset.Type != ResetEvent || reset.Data != "replay" {
		t.Fatalf("first event %+v, want a reset", reset)
	}
	h.Publish(sse.Event{Data: "live"})
	live := c.next(t)
	if live.Data != "live" {
		t.Fatalf("then %+v", live)
	}
	// The reset carries the id of the newest event buffered (the fifth):
	// a client reconnecting with it resumes with what followed, "live".
	c.resp.Body.Close()
	waitClients(t, h, 0)
	h.Publish(sse.Event{Data: "end"})
	c2 := subscribe(t, url, "Last-Event-ID", reset.ID)
	if got := strings.Join(c2.datas(t), "|"); got != "live" {
		t.Errorf("resumed from the reset's id %q with %q, want live", reset.ID, got)
	}
}

// TestResetWithEmptyBuffer: with nothing buffered, the reset has no id,
// and the client keeps the one it had.
func TestResetWithEmptyBuffer(t *testing.T) {
	h := New(WithReplay(2, 0), WithHeartbeat(0))
	url := serve(t, h)
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Last-Event-ID", "before-a-restart")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	want := "event: reset\ndata: replay\n\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(resp.Body, got); err != nil || string(got) != want {
		t.Errorf("stream starts %q (%v), want %q", got, err, want)
	}
}

// TestAutoIDsUnique: two Hubs made at once number their events
// differently.
func TestAutoIDsUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		h := New(WithAutoIDs())
		id, err := h.Publish(sse.Event{Data: "x"})
		if err != nil || id == "" {
			t.Fatalf("Publish: %q, %v", id, err)
		}
		if seen[id] {
			t.Fatalf("id %q twice", id)
		}
		seen[id] = true
		h.Close()
	}
}

// TestReplayMaxAge: an event older than the replay's age cannot be
// resumed from.
func TestReplayMaxAge(t *testing.T) {
	w := NewWindow(WindowLimits{Entries: 10, Resumable: 10, Age: time.Minute})
	now := time.Now()
	w.Add(Entry{ID: "old", At: now.Add(-2 * time.Minute)})
	w.Add(Entry{ID: "new", At: now})
	if r := w.Resolve("old"); r.Res != Unknown || r.NewestID != "new" {
		t.Errorf("Resolve(old) = %+v; want Unknown, an event older than maxAge was resumed from", r)
	}
	if r := w.Resolve("new"); r.Res != Found || r.Pos != 2 {
		t.Errorf("Resolve(new) = %+v", r)
	}
}

func TestHeartbeatAndRetry(t *testing.T) {
	h := New(WithHeartbeat(time.Millisecond), WithRetry(1500*time.Millisecond))
	url := serve(t, h)
	c := subscribe(t, url)
	waitClients(t, h, 1)
	c.waitBeats(t, 3)
	h.Publish(sse.Event{Data: "x"})
	c.next(t)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.retry != 1500*time.Millisecond {
		t.Errorf("retry %v", c.retry)
	}
}

// stalled opens a stream whose client does not read: once the TCP buffers
// fill, the hub cannot write to it. rcvbuf > 0 sets the receive buffer.
func stalled(t *testing.T, url string, rcvbuf int) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	if rcvbuf > 0 {
		conn.(*net.TCPConn).SetReadBuffer(rcvbuf)
	}
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: x\r\nX-User: slow\r\n\r\n")
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestSlowSubscriberDisconnected checks that a stalled subscriber never
// blocks Publish nor delays the others, and is disconnected: a client that
// reads keeps receiving every event, one by one as it is published, while
// the stalled one's socket buffers and queue fill up.
func TestSlowSubscriberDisconnected(t *testing.T) {
	for _, takeover := range []bool{true, false} {
		t.Run(fmt.Sprint("takeover=", takeover), func(t *testing.T) { testSlowSubscriberDisconnected(t, takeover) })
	}
}

func testSlowSubscriberDisconnected(t *testing.T, takeover bool) {
	reasons := make(chan error, 10)
	h := New(WithSubscriberID(byHeader), WithTakeover(takeover), WithQueue(4, Disconnect), WithOnDisconnect(func(s Subscriber, reason error) {
		reasons <- fmt.Errorf("%s: %w", s.ID, reason)
	}))
	url := serve(t, h)
	stalled(t, url, 4096)
	fast := subscribe(t, url, "X-User", "fast")
	waitClients(t, h, 2)
	big := strings.Repeat("x", 64<<10)
	const n = 300 // ~19 MB: more than any socket buffers hold
	for i := range n {
		if _, err := h.Publish(sse.Event{Data: big}); err != nil {
			t.Fatal(err)
		}
		if e := fast.next(t); e.Data != big {
			t.Fatalf("event %d: the fast subscriber got %d bytes", i, len(e.Data))
		}
	}
	select {
	case r := <-reasons:
		if !errors.Is(r, ErrSlow) || !strings.HasPrefix(r.Error(), "slow:") {
			t.Errorf("disconnected: %v; want the slow subscriber, ErrSlow", r)
		}
	case <-time.After(10 * time.Second):
		t.Error("the slow subscriber was not disconnected")
	}
	if got := h.Clients(); got != 1 {
		t.Errorf("%d clients after the slow one left, want 1", got)
	}
}

// TestWriteTimeout checks that a client that stops reading is disconnected
// after the write timeout even when few events are published: it does not
// fall off the log, but its socket stays full.
func TestWriteTimeout(t *testing.T) {
	for _, takeover := range []bool{true, false} {
		t.Run(fmt.Sprint("takeover=", takeover), func(t *testing.T) { testWriteTimeout(t, takeover) })
	}
}

func testWriteTimeout(t *testing.T, takeover bool) {
	reasons := make(chan error, 10)
	// The log holds every event published here: the subscriber does not
	// fall off it, only its socket stays full.
	h := New(WithSubscriberID(byHeader), WithTakeover(takeover), WithWriteTimeout(200*time.Millisecond), WithMaxLogBytes(64<<20), WithOnDisconnect(func(s Subscriber, reason error) {
		reasons <- reason
	}))
	url := serve(t, h)
	stalled(t, url, 4096)
	waitClients(t, h, 1)
	// Large events fill the socket buffers.
	big := strings.Repeat("z", 1<<20)
	for range 40 {
		h.Publish(sse.Event{Data: big})
		select {
		case r := <-reasons:
			checkSlow(t, h, r)
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
	select {
	case r := <-reasons:
		checkSlow(t, h, r)
	case <-time.After(10 * time.Second):
		t.Fatal("the stalled subscriber was not disconnected")
	}
}

// checkSlow checks the reason and the count of slow disconnects.
func checkSlow(t *testing.T, h *Hub, r error) {
	t.Helper()
	if !errors.Is(r, ErrSlow) {
		t.Fatalf("reason %v, want ErrSlow", r)
	}
	if n := h.Stats().SlowDisconnects; n != 1 {
		t.Errorf("%d slow disconnects, want 1", n)
	}
}

// TestSlowSubscriberDropOldest checks the other policy: the stalled
// subscriber stays, and once it reads again it is told of the gap.
func TestSlowSubscriberDropOldest(t *testing.T) {
	for _, takeover := range []bool{true, false} {
		t.Run(fmt.Sprint("takeover=", takeover), func(t *testing.T) { testSlowSubscriberDropOldest(t, takeover) })
	}
}

func testSlowSubscriberDropOldest(t *testing.T, takeover bool) {
	h := New(WithSubscriberID(byHeader), WithTakeover(takeover), WithQueue(4, DropOldest))
	url := serve(t, h)
	// The default receive buffer: a 4 KiB window drains at a few KB/s
	// once the test reads.
	conn := stalled(t, url, 0)
	waitClients(t, h, 1)
	big := strings.Repeat("y", 64<<10)
	for range 300 {
		h.Publish(sse.Event{Data: big})
	}
	h.Publish(sse.Event{Data: "end"})
	if h.Clients() != 1 {
		t.Fatalf("%d clients: the slow one was disconnected", h.Clients())
	}
	// Read the raw HTTP response (chunked) far enough to find the reset.
	resp, err := http.ReadResponse(bufioReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Not resp.Body.Close: it would read to the end of a stream that does
	// not end. The cleanup closes conn.
	s := sse.NewScanner(resp.Body)
	sawReset, events := false, 0
	for s.Next() {
		if string(s.Type()) == ResetEvent && string(s.Data()) == "dropped" {
			sawReset = true
		}
		events++
		if string(s.Data()) == "end" {
			break
		}
	}
	if !sawReset || events >= 301 {
		t.Errorf("reset seen: %v, events %d (some must have been dropped)", sawReset, events)
	}
}

func TestDisconnectAndClose(t *testing.T) {
	h, url := kickAndClose(t, paths[0]) // taken over, as over plain HTTP/1.1
	if _, err := h.Publish(sse.Event{Data: "x"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Close: %v", err)
	}
	// A request after Close gets no response at all, which EventSource
	// retries (it gives up for good on an error status).
	if resp, err := http.Get(url); err == nil {
		resp.Body.Close()
		t.Errorf("request after Close: %s, want the connection closed", resp.Status)
	}
	h.Close() // again: nothing
}

// TestConcurrent publishes, subscribes, disconnects and shuts down at
// once, for the race detector: publishers run until Publish reports
// ErrClosed, and every error they see is nil or ErrClosed.
func TestConcurrent(t *testing.T) {
	h := New(WithReplay(50, 0), WithAutoIDs(), WithQueue(8, DropOldest), WithHeartbeat(time.Millisecond),
		WithSubscriberID(func(r *http.Request) string { return r.URL.Query().Get("id") }))
	srv := httptest.NewServer(h)
	defer srv.Close()
	var pubs, readers sync.WaitGroup
	errs := make(chan error, 8)
	for p := range 4 {
		pubs.Go(func() {
			for i := 0; ; i++ {
				target := Except(fmt.Sprint(i % 3))
				if i%2 == 1 {
					target = To(fmt.Sprint(i % 3)) // targeted passes
				}
				_, err := h.Publish(sse.Event{Data: fmt.Sprint(p, i)}, target)
				if err != nil {
					if !errors.Is(err, ErrClosed) {
						errs <- err
					}
					return
				}
				if i%64 == 0 {
					time.Sleep(time.Millisecond) // let the readers in
				}
			}
		})
	}
	for r := range 8 {
		readers.Go(func() {
			for range 5 {
				resp, err := http.Get(srv.URL + "?id=" + fmt.Sprint(r%4))
				if err != nil {
					errs <- err
					return
				}
				s := sse.NewScanner(resp.Body)
				for i := 0; i < 20 && s.Next(); i++ {
				}
				resp.Body.Close()
				h.Clients()
				h.Disconnect(fmt.Sprint(r % 4))
			}
		})
	}
	readers.Wait()
	// Shut down while the publishers still publish and streams may be
	// starting.
	for range 2 {
		readers.Go(func() {
			if resp, err := http.Get(srv.URL); err == nil {
				resp.Body.Close()
			}
		})
	}
	if err := h.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	pubs.Wait()
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := h.Clients(); n != 0 {
		t.Errorf("%d clients after Shutdown", n)
	}
}

func bufioReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }

// TestEphemeral: an Ephemeral event reaches the subscribers but gets no
// id and is not replayed; one with an id is refused.
func TestEphemeral(t *testing.T) {
	h := New(WithReplay(10, 0), WithAutoIDs())
	url := serve(t, h)
	c := subscribe(t, url)
	waitClients(t, h, 1)
	h.Publish(sse.Event{Data: "kept"})
	if _, err := h.PublishJSON("presence", []string{"ann"}, Ephemeral()); err != nil {
		t.Fatal(err)
	}
	kept, presence := c.next(t), c.next(t)
	if presence.Type != "presence" || presence.Data != `["ann"]` || presence.ID != kept.ID {
		t.Errorf("ephemeral event %+v after %+v: want no id of its own", presence, kept)
	}
	if _, err := h.Publish(sse.Event{ID: "x", Data: "y"}, Ephemeral()); !errors.Is(err, sse.ErrInvalidField) {
		t.Errorf("Ephemeral event with an id: %v", err)
	}
	h.Publish(sse.Event{Data: "end"})
	c2 := subscribe(t, url, "Last-Event-ID", kept.ID)
	if got := strings.Join(c2.datas(t), "|"); got != "" {
		t.Errorf("replayed %q after the kept event, want nothing", got)
	}
}

// TestHooksBeforeHeaders: once a client has its response, its connect
// hooks have run, and what they publish reaches it.
func TestHooksBeforeHeaders(t *testing.T) {
	var h *Hub
	var connects atomic.Int32
	h = New(WithSubscriberID(byHeader), WithOnConnect(func(s Subscriber) {
		connects.Add(1)
		h.Publish(sse.Event{Type: "welcome", Data: s.ID}, To(s.ID))
	}))
	url := serve(t, h)
	c := subscribe(t, url, "X-User", "ann")
	if n := connects.Load(); n != 1 {
		t.Errorf("%d connect hook calls when the response arrived, want 1", n)
	}
	if e := c.next(t); e.Type != "welcome" || e.Data != "ann" {
		t.Errorf("first event %+v, want the welcome", e)
	}
}
