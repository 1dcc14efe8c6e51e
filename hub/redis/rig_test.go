package redis

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fastsse/sse"
	"github.com/fastsse/sse/hub"
	"github.com/fastsse/sse/hub/redis/redistest"
)

// The rig: instances (a Hub on a Redis Log, served over loopback HTTP),
// each reaching Redis through a proxy of its own so that a test can cut
// it off, or move it to another server; and clients that read streams as
// EventSource does, recording every event.

// waitFor bounds every wait of these tests for something to happen; it
// is never what a test asserts.
const waitFor = 20 * time.Second

// instance is one server of a multi-instance deployment.
type instance struct {
	log   *Log
	hub   *hub.Hub
	srv   *httptest.Server
	proxy *redistest.Proxy
}

// newInstance starts an instance on the Redis at addr, for the hub name,
// and waits until its log is ready.
func newInstance(t testing.TB, addr, name string, opts ...Option) *instance {
	t.Helper()
	p := redistest.NewProxy(t, addr)
	// Generous timeouts: the race detector on a loaded machine can stall
	// a round trip past go-redis's default 3s, and a timed-out append's
	// outcome is unknown.
	l, err := New(p.URL()+"?read_timeout=15s&write_timeout=15s", append([]Option{WithName(name), WithBlock(200 * time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	h := hub.New(hub.WithLog(l), hub.WithAutoIDs(), hub.WithHeartbeat(time.Second),
		hub.WithSubscriberID(func(r *http.Request) string { return r.URL.Query().Get("user") }))
	srv := httptest.NewServer(h)
	in := &instance{log: l, hub: h, srv: srv, proxy: p}
	t.Cleanup(func() {
		h.Close()
		srv.Close()
		if err := l.Close(); err != nil {
			t.Errorf("Log.Close: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := l.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	return in
}

// got is an event a client received.
type got struct {
	typ, id, data string
}

// client reads event streams, from one instance or another, and records
// every event it receives and how many times it connected.
type client struct {
	user string

	mu       sync.Mutex
	events   []got
	lastID   string
	connects int
	cond     chan struct{} // closed and replaced on each event
}

func newClient(user string) *client { return &client{user: user, cond: make(chan struct{})} }

// connect opens a stream on in with the client's Last-Event-ID and
// returns once the response headers came (the subscriber is registered);
// events are recorded until ctx is done or the stream ends, then done is
// closed.
func (c *client) connect(ctx context.Context, in *instance) (done <-chan struct{}, err error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", in.srv.URL+"/?user="+c.user, nil)
	c.mu.Lock()
	if c.lastID != "" {
		req.Header.Set("Last-Event-ID", c.lastID)
	}
	c.connects++
	c.mu.Unlock()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		resp.Body.Close()
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		s := sse.NewScanner(resp.Body)
		for s.Next() {
			c.mu.Lock()
			c.events = append(c.events, got{typ: string(s.Type()), id: string(s.ID()), data: string(s.Data())})
			if id := string(s.ID()); id != "" {
				c.lastID = id
			}
			close(c.cond)
			c.cond = make(chan struct{})
			c.mu.Unlock()
		}
	}()
	return ch, nil
}

// waitEvents waits until the client has n events (resets included).
func (c *client) waitEvents(t *testing.T, n int) []got {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		c.mu.Lock()
		evs, cond := append([]got(nil), c.events...), c.cond
		c.mu.Unlock()
		if len(evs) >= n {
			return evs
		}
		select {
		case <-cond:
		case <-deadline:
			t.Fatalf("client %s: %d events, want %d: %v", c.user, len(evs), n, evs)
		}
	}
}

func (c *client) snapshot() []got {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]got(nil), c.events...)
}

// publish publishes data on in, retrying while Redis is unavailable, and
// returns the id.
func publish(t *testing.T, in *instance, data string, targets ...hub.Target) string {
	t.Helper()
	id, err := in.hub.Publish(sse.Event{Data: data}, targets...)
	if err != nil {
		t.Fatalf("Publish(%s): %v", data, err)
	}
	return id
}

// offsetOf returns the offset of an id "<epoch>-<offset>".
func offsetOf(t *testing.T, id string) (string, uint64) {
	t.Helper()
	ep, off, ok := parseID(id)
	if !ok {
		t.Fatalf("id %q is not <epoch>-<offset>", id)
	}
	return ep, off
}

// waitClients waits until the instances serve n streams in all.
func waitClients(t *testing.T, n int, ins ...*instance) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		sum := 0
		for _, in := range ins {
			sum += in.hub.Clients()
		}
		if sum == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d streams, want %d", sum, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// resets returns the reset events in evs.
func resets(evs []got) []got {
	var r []got
	for _, e := range evs {
		if e.typ == hub.ResetEvent {
			r = append(r, e)
		}
	}
	return r
}

// datas returns the data of the events in evs that are not resets.
func datas(evs []got) []string {
	var d []string
	for _, e := range evs {
		if e.typ != hub.ResetEvent {
			d = append(d, e.data)
		}
	}
	return d
}

// seq returns prefix0 … prefix(n-1).
func seq(prefix string, from, n int) []string {
	s := make([]string, n)
	for i := range n {
		s[i] = prefix + strconv.Itoa(from+i)
	}
	return s
}

// isUnavailable reports whether err says Redis could not take the event.
func isUnavailable(err error) bool { return errors.Is(err, ErrUnavailable) }

// eventData returns an event with data d.
func eventData(d string) sse.Event { return sse.Event{Data: d} }
