// Package interop checks fastsse against clients and servers nobody here
// wrote: Chromium's EventSource (headless Debian chromium, driven by
// chromedp) and the npm eventsource package under Node. It is a module of
// its own so that the core keeps its light dependency set.
//
// A missing browser or npm install skips these tests on a workstation; on
// CI (CI=true, where .ci/run installs both) it fails them.
package interop

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastsse/sse"
)

// fixture is what the tests write: events that exercise the encoding (line
// breaks of every kind in data, unicode, NUL, leading spaces, empty data),
// ids, a custom event type and a retry.
var fixture = []sse.Event{
	{ID: "1", Data: "hello"},
	{ID: "2", Data: "line one\nline two\n\nline four"},
	{ID: "3", Type: "custom-type", Data: "cr\rcrlf\r\nlf\nend"},
	{ID: "4", Data: "emoji 😀 CJK 我現在都看實況 U+2028 [\u2028] U+FEFF [\uFEFF] é"},
	{Data: " leading space, no id of its own"},
	{ID: "6", Data: ""},
	{ID: "7", Type: "custom-type", Data: `{"json":"with \"quotes\"","n":[1,2,3]}`},
	{ID: "8", Data: "nul [\x00] and tab [\t]"},
	{ID: "9 with spaces", Data: "after the drop"},
	{ID: "10", Data: "last"},
}

// customTypes are the fixture's types other than "message".
var customTypes = []string{"custom-type"}

// received is an event as a client reports it.
type received struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Data string `json:"data"`
}

// want is what a conforming client receives for the fixture: CR and CRLF
// in data come back as LF, the type defaults to "message", and an event
// without an id carries the one before it (HTML §9.2.6, dispatch steps 1
// and 5).
//
// perEventID gives instead the id field of the event itself, "" when it has
// none: what npm eventsource 4.1.1 reports as lastEventId (its MessageEvent
// takes the parsed event's own id; the id it sends as Last-Event-ID is
// right). That is the peer's deviation, measured here, not ours.
func want(perEventID bool) []received {
	var out []received
	id := ""
	for _, e := range fixture {
		if e.ID != "" || perEventID {
			id = e.ID
		}
		typ := e.Type
		if typ == "" {
			typ = "message"
		}
		data := strings.ReplaceAll(strings.ReplaceAll(e.Data, "\r\n", "\n"), "\r", "\n")
		out = append(out, received{Type: typ, ID: id, Data: data})
	}
	return out
}

// dropAfter is how many fixture events the first connection sends before
// the server cuts it.
const dropAfter = 4

// fixtureServer serves the fixture at /events, with page at /: the first
// connection gets the first dropAfter events and a partial event, and is
// cut abruptly (the TCP connection closed, the chunked body unterminated)
// once the test calls cut; a reconnection resumes after its Last-Event-ID
// and then stays open. It records the Last-Event-ID of every request.
//
// The test calls cut after seeing that the client dispatched the first
// dropAfter events. Cutting as soon as they are written races the client:
// bytes still on their way to it when the connection fails may be lost,
// and the client then rightly reconnects without a Last-Event-ID. (When
// the server cut right away, a cold Chromium once dispatched nothing from
// the first connection and reconnected with no Last-Event-ID.)
type fixtureServer struct {
	*httptest.Server
	cutOnce sync.Once
	cutNow  chan struct{}

	mu      sync.Mutex
	lastIDs []string
	pages   int // requests for the page
}

func newFixtureServer(t *testing.T, page string) *fixtureServer {
	t.Helper()
	fs := &fixtureServer{cutNow: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.pages++
		fs.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	mux.HandleFunc("GET /events", fs.events)
	fs.Server = httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fs.Listener = ln
	fs.Start()
	t.Cleanup(func() {
		fs.cut()                    // a test that failed early did not
		fs.CloseClientConnections() // ends streams a client still holds open
		fs.Close()
	})
	return fs
}

func (fs *fixtureServer) events(w http.ResponseWriter, r *http.Request) {
	last := r.Header.Get("Last-Event-ID")
	fs.mu.Lock()
	fs.lastIDs = append(fs.lastIDs, last)
	first := len(fs.lastIDs) == 1
	fs.mu.Unlock()

	sw, err := sse.NewStream(w)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if first {
		sw.Retry(50 * time.Millisecond)
		for _, e := range fixture[:dropAfter] {
			if sw.Send(e) != nil {
				return
			}
		}
		// A partial event, which the client must discard, then an abrupt
		// cut of the TCP connection when the test says so.
		sw.Field(sse.FieldID, "partial")
		sw.Field(sse.FieldData, "never dispatched")
		select {
		case <-fs.cutNow:
		case <-r.Context().Done():
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	start := 0
	for i, e := range fixture {
		if e.ID != "" && e.ID == last {
			start = i + 1
		}
	}
	for _, e := range fixture[start:] {
		if sw.Send(e) != nil {
			return
		}
	}
	<-r.Context().Done() // stay open: no further reconnection
}

// cut makes the server cut the first connection, once it has sent its
// events.
func (fs *fixtureServer) cut() {
	fs.cutOnce.Do(func() { close(fs.cutNow) })
}

// requestIDs returns the Last-Event-ID of each request so far.
func (fs *fixtureServer) requestIDs() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.lastIDs...)
}

// checkResume checks that the client reconnected once, with the id of
// the last event of the first connection.
func checkResume(t *testing.T, fs *fixtureServer) {
	t.Helper()
	ids := fs.requestIDs()
	wantLast := want(false)[dropAfter-1].ID
	if len(ids) != 2 || ids[0] != "" || ids[1] != wantLast {
		fs.mu.Lock()
		pages := fs.pages
		fs.mu.Unlock()
		t.Errorf("Last-Event-ID of the requests: %q, want [\"\" %q] (page loaded %d times)", ids, wantLast, pages)
	}
}

// compare checks the received events against want, one by one.
func compare(t *testing.T, client string, got, w []received) {
	t.Helper()
	if len(got) != len(w) {
		t.Errorf("%s received %d events, want %d", client, len(got), len(w))
	}
	for i := range min(len(got), len(w)) {
		if got[i] != w[i] {
			t.Errorf("%s event %d:\n got %+q\nwant %+q", client, i, got[i], w[i])
		}
	}
}

// need returns the path of the named program, skipping the test when it is
// missing on a workstation and failing it on CI.
func need(t *testing.T, program, why string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	if err != nil {
		missing(t, fmt.Sprintf("%s not found (%s)", program, why))
	}
	return path
}

// missing reports a missing tool: fatal on CI, a skip elsewhere.
func missing(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s; CI must install it (see .ci/run)", what)
	}
	t.Skipf("%s", what)
}
