package interop

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/fastsse/sse"
	"github.com/fastsse/sse/hub"
)

// TestChromiumHubResume checks that Chromium's EventSource resumes a hub
// stream the server ended: it reconnects with the id of the last event it
// got, and the hub replays exactly the events published while it was away,
// in order, with no duplicate and no gap.
func TestChromiumHubResume(t *testing.T) {
	ctx, _ := newBrowser(t)
	rig := newHubRig(t, 64)
	if err := chromedp.Do(ctx, chromedp.Navigate(rig.srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	rig.waitConnect(t, "")

	pub := rig.publish(t, "before 1", "before 2\nsecond line", "before 3")
	waitReceived(t, ctx, len(pub))
	lastSeen := pub[len(pub)-1].ID

	rig.cutAndHold(t, lastSeen)
	pub = append(pub, rig.publish(t, "missed 1", "missed 2", "missed 3 😀", "missed 4")...)
	rig.release()

	if rc := rig.waitReconnect(t); rc.LastEventID != lastSeen || !rc.resumed {
		t.Errorf("OnReconnect: Last-Event-ID %q, resumed %v; want %q, true", rc.LastEventID, rc.resumed, lastSeen)
	}
	pub = append(pub, rig.publish(t, "after 1", "after 2")...)

	got := waitReceived(t, ctx, len(pub))
	compare(t, "Chromium", got, pub)
	rig.checkRequests(t, lastSeen)
	logReceived(t, got)
}

// TestChromiumHubReset checks that Chromium, reconnecting with an id the
// replay buffer no longer holds, gets a reset event ("replay") instead of
// the missed events, and then the events published after it reconnected.
func TestChromiumHubReset(t *testing.T) {
	ctx, _ := newBrowser(t)
	const bufSize = 2
	rig := newHubRig(t, bufSize, hub.ResetEvent)
	if err := chromedp.Do(ctx, chromedp.Navigate(rig.srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	rig.waitConnect(t, "")

	pub := rig.publish(t, "before 1", "before 2")
	waitReceived(t, ctx, len(pub))
	lastSeen := pub[len(pub)-1].ID

	rig.cutAndHold(t, lastSeen)
	missed := rig.publish(t, "missed 1", "missed 2", "missed 3") // one more than the buffer holds
	if len(missed) <= bufSize {
		t.Fatalf("published %d events while disconnected; the test needs more than %d", len(missed), bufSize)
	}
	rig.release()

	if rc := rig.waitReconnect(t); rc.LastEventID != lastSeen || rc.resumed {
		t.Errorf("OnReconnect: Last-Event-ID %q, resumed %v; want %q, false", rc.LastEventID, rc.resumed, lastSeen)
	}
	after := rig.publish(t, "after 1", "after 2")

	// The reset event carries the id of the newest event the hub buffers
	// (the last one missed), so that a later reconnection resumes after
	// it instead of being reset again.
	want := append(pub, received{Type: hub.ResetEvent, ID: missed[len(missed)-1].ID, Data: "replay"})
	want = append(want, after...)
	got := waitReceived(t, ctx, len(want))
	compare(t, "Chromium", got, want)
	rig.checkRequests(t, lastSeen)
	logReceived(t, got)
}

// hangGuard bounds every wait for the hub or the browser; it is never
// what a test asserts.
const hangGuard = 30 * time.Second

// hubRig serves a hub at /events (with WithReplay, WithAutoIDs and a short
// WithRetry) and a collector page for it at /, on 127.0.0.1. The browser
// subscribes as "browser"; a Go subscriber, "witness", stays connected
// throughout and reports every event the hub publishes, with the id the
// hub gave it. The browser's requests pass a gate that records their
// Last-Event-ID and, once hold is called, keeps a reconnection waiting
// until release.
type hubRig struct {
	hub *hub.Hub
	srv *httptest.Server

	connected   chan hub.Subscriber
	reconnected chan reconnect
	gone        chan gone

	witness chan sse.Event // closed when the witness's stream ends

	arrived  chan string   // Last-Event-ID of each browser request held at the gate
	held     chan struct{} // closed by release: held requests go on
	stop     chan struct{} // closed in cleanup: held requests give up
	holdOnce sync.Once

	mu      sync.Mutex
	lastIDs []string // Last-Event-ID of each browser request
	holding bool
}

type reconnect struct {
	hub.Subscriber
	resumed bool
}

type gone struct {
	hub.Subscriber
	reason error
}

func newHubRig(t *testing.T, replay int, types ...string) *hubRig {
	t.Helper()
	rig := &hubRig{
		connected:   make(chan hub.Subscriber, 16),
		reconnected: make(chan reconnect, 16),
		gone:        make(chan gone, 16),
		witness:     make(chan sse.Event, 64),
		arrived:     make(chan string, 16),
		held:        make(chan struct{}),
		stop:        make(chan struct{}),
	}
	// The hooks never block the hub: their channels have room for more
	// streams than a test makes, and a test that sees too many fails on
	// the request count anyway.
	rig.hub = hub.New(
		hub.WithReplay(replay, 0),
		hub.WithAutoIDs(),
		hub.WithRetry(100*time.Millisecond),
		hub.WithSubscriberID(func(r *http.Request) string { return r.URL.Query().Get("who") }),
		hub.WithOnConnect(func(s hub.Subscriber) {
			if s.ID == "browser" {
				offer(rig.connected, s)
			}
		}),
		hub.WithOnReconnect(func(s hub.Subscriber, resumed bool) {
			offer(rig.reconnected, reconnect{s, resumed})
		}),
		hub.WithOnDisconnect(func(s hub.Subscriber, reason error) {
			if s.ID == "browser" {
				offer(rig.gone, gone{s, reason})
			}
		}),
	)

	mux := http.NewServeMux()
	page := collectorPage("/events?who=browser", types...)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("GET /events", rig.gate)
	rig.srv = httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rig.srv.Listener = ln
	rig.srv.Start()

	wctx, cancelWitness := context.WithCancel(context.Background())
	witnessDone := make(chan struct{})
	t.Cleanup(func() {
		close(rig.stop)
		rig.hub.Close() // ends every stream, the witness's too
		cancelWitness()
		<-witnessDone
		rig.srv.CloseClientConnections()
		rig.srv.Close()
	})

	// The witness subscribes first, so that it sees every event published.
	req, err := http.NewRequestWithContext(wctx, http.MethodGet, rig.srv.URL+"/events?who=witness", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rig.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("witness: %s", resp.Status)
	}
	go func() {
		defer close(witnessDone)
		defer close(rig.witness)
		defer resp.Body.Close()
		for ev, err := range sse.Read(resp.Body) {
			if err != nil {
				return
			}
			select {
			case rig.witness <- ev:
			case <-wctx.Done():
				return
			}
		}
	}()
	return rig
}

// offer sends v on c unless c is full, so that a hook never blocks.
func offer[T any](c chan T, v T) {
	select {
	case c <- v:
	default:
	}
}

// await returns the next value on c, failing the test if none comes
// within hangGuard.
func await[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v, ok := <-c:
		if !ok {
			t.Fatalf("waiting for %s: channel closed", what)
		}
		return v
	case <-time.After(hangGuard):
		t.Fatalf("no %s within %v", what, hangGuard)
	}
	var zero T
	return zero
}

// gate passes the witness to the hub, and the browser once it may go on.
func (rig *hubRig) gate(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("who") != "browser" {
		rig.hub.ServeHTTP(w, r)
		return
	}
	last := r.Header.Get("Last-Event-ID")
	rig.mu.Lock()
	rig.lastIDs = append(rig.lastIDs, last)
	holding := rig.holding
	rig.mu.Unlock()
	if holding {
		offer(rig.arrived, last)
		select {
		case <-rig.held:
		case <-rig.stop:
		case <-r.Context().Done():
			return
		}
	}
	rig.hub.ServeHTTP(w, r)
}

// waitConnect waits for the browser's stream to start, with Last-Event-ID
// lastID.
func (rig *hubRig) waitConnect(t *testing.T, lastID string) {
	t.Helper()
	s := await(t, rig.connected, "browser connection")
	if s.LastEventID != lastID {
		t.Fatalf("browser connected with Last-Event-ID %q, want %q", s.LastEventID, lastID)
	}
}

// publish publishes an event for each of data, without an id (the hub
// gives them theirs), and returns them as a client must receive them: as
// the witness received them, with the ids Publish returned.
func (rig *hubRig) publish(t *testing.T, data ...string) []received {
	t.Helper()
	var ids []string
	for _, d := range data {
		id, err := rig.hub.Publish(sse.Event{Data: d})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var out []received
	for i, d := range data {
		ev := await(t, rig.witness, "witness event")
		if ev.Data != d || ev.ID == "" || ev.ID != ids[i] {
			t.Fatalf("witness got %+q for published event %d (data %q, id %q): want that data and the auto id Publish returned", ev, i, d, ids[i])
		}
		out = append(out, received{Type: ev.Type, ID: ev.ID, Data: ev.Data})
	}
	return out
}

// cutAndHold ends the browser's stream with Disconnect, waits until the
// hub has let it go, and holds the browser's reconnection at the gate:
// it returns once the reconnection, with Last-Event-ID lastID, is
// waiting. Events published then reach the browser only by the replay.
func (rig *hubRig) cutAndHold(t *testing.T, lastID string) {
	t.Helper()
	rig.mu.Lock()
	rig.holding = true
	rig.mu.Unlock()
	rig.hub.Disconnect("browser")
	g := await(t, rig.gone, "browser disconnection")
	if !errors.Is(g.reason, hub.ErrKicked) {
		t.Fatalf("browser's stream ended with %v, want %v", g.reason, hub.ErrKicked)
	}
	if n := rig.hub.Clients(); n != 1 {
		t.Fatalf("hub serves %d streams after the cut, want 1 (the witness)", n)
	}
	if got := await(t, rig.arrived, "browser reconnection"); got != lastID {
		t.Fatalf("browser reconnected with Last-Event-ID %q, want %q", got, lastID)
	}
}

// release lets the held reconnection on to the hub.
func (rig *hubRig) release() {
	rig.holdOnce.Do(func() { close(rig.held) })
}

// waitReconnect waits for the hub to take the browser's reconnection.
func (rig *hubRig) waitReconnect(t *testing.T) reconnect {
	t.Helper()
	rc := await(t, rig.reconnected, "OnReconnect")
	if rc.ID != "browser" {
		t.Fatalf("OnReconnect for subscriber %q, want browser", rc.ID)
	}
	return rc
}

// checkRequests checks that the browser subscribed twice: first without a
// Last-Event-ID, then with lastID; and that both it and the witness are
// still being served.
func (rig *hubRig) checkRequests(t *testing.T, lastID string) {
	t.Helper()
	rig.mu.Lock()
	ids := append([]string(nil), rig.lastIDs...)
	rig.mu.Unlock()
	if len(ids) != 2 || ids[0] != "" || ids[1] != lastID {
		t.Errorf("Last-Event-ID of the browser's requests: %q, want [\"\" %q]", ids, lastID)
	}
	if n := rig.hub.Clients(); n != 2 {
		t.Errorf("hub serves %d streams, want 2 (browser and witness)", n)
	}
}

func logReceived(t *testing.T, got []received) {
	t.Helper()
	t.Logf("Chromium received %d events:", len(got))
	for i, r := range got {
		t.Logf("%2d %+q", i+1, r)
	}
}
