package sse

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The client test cases of LaunchDarkly's SSE contract test suite
// (github.com/launchdarkly/sse-contract-tests, ssetests/tests_*.go), ported
// to Dial as table tests. Each case names the suite's file and test. The
// harness mirrors the suite's: a stream server whose connections the test
// drives (send chunks, break the connection, await the next connection) and
// a client whose events, comments and errors arrive in order.
// "caller can trigger a restart" (tests_reconnection.go) uses
// Client.Reconnect.

// ldServer is the contract suite's stream server.
type ldServer struct {
	*httptest.Server
	streams chan *ldStream
}

// ldStream is one connection to an ldServer.
type ldStream struct {
	Method string
	Header http.Header
	Body   string
	cmds   chan ldCmd
}

// ldCmd is an instruction to a stream's handler.
type ldCmd struct {
	chunks []string
	pause  time.Duration // between chunks
	cut    bool          // break the connection
}

func newLDServer(t *testing.T) *ldServer {
	t.Helper()
	s := &ldServer{streams: make(chan *ldStream, 16)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		st := &ldStream{Method: r.Method, Header: r.Header.Clone(), Body: string(body), cmds: make(chan ldCmd, 16)}
		dialOpen(w)
		s.streams <- st
		for {
			select {
			case <-r.Context().Done():
				return
			case cmd := <-st.cmds:
				for i, c := range cmd.chunks {
					if i > 0 && cmd.pause > 0 {
						time.Sleep(cmd.pause)
					}
					dialSend(w, c)
				}
				if cmd.cut {
					dialCut(t, w)
					return
				}
			}
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// await returns the next connection.
func (s *ldServer) await(t *testing.T) *ldStream {
	t.Helper()
	select {
	case st := <-s.streams:
		return st
	case <-time.After(dialDeadlock):
		t.Fatal("no connection")
		return nil
	}
}

// send sends each chunk with its own write and flush.
func (st *ldStream) send(chunks ...string) { st.cmds <- ldCmd{chunks: chunks} }

// sendInChunks sends s in pieces of size bytes, 1 ms apart.
func (st *ldStream) sendInChunks(s string, size int) {
	var chunks []string
	for len(s) > size {
		chunks, s = append(chunks, s[:size]), s[size:]
	}
	st.cmds <- ldCmd{chunks: append(chunks, s), pause: time.Millisecond}
}

// breakConn cuts the connection.
func (st *ldStream) breakConn() { st.cmds <- ldCmd{cut: true} }

// ldItem is one thing the client saw: an event, a comment, a connection
// error (disconnect), or the end of the stream.
type ldItem struct {
	kind  string // "event", "comment", "error", "end"
	event Event
	text  string
	err   error
}

// ldClient reads a Client in a goroutine and hands over what it sees, in
// order.
type ldClient struct {
	c     *Client
	items chan ldItem
}

// newLDClient dials url with the suite's default of no reconnection delay
// ("InitialDelayMS: 0"; here 1 ms) and starts reading.
func newLDClient(t *testing.T, req *http.Request, opts ...Option) *ldClient {
	t.Helper()
	lc := &ldClient{items: make(chan ldItem, 1000)}
	opts = append([]Option{
		WithOnComment(func(b []byte) { lc.items <- ldItem{kind: "comment", text: string(b)} }),
		WithOnDisconnect(func(err error) { lc.items <- ldItem{kind: "error", err: err} }),
	}, opts...)
	c, err := dialTest(t, req, opts...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	lc.c = c
	done := make(chan struct{})
	go func() {
		defer close(done)
		var e Event
		for c.Next() {
			c.Decode(&e)
			lc.items <- ldItem{kind: "event", event: e}
		}
		lc.items <- ldItem{kind: "end", err: c.Err()}
	}()
	t.Cleanup(func() {
		c.Close()
		dialWait(t, done, "Next to return after Close")
	})
	return lc
}

// next returns the next item; errors are skipped unless wantError.
func (lc *ldClient) next(t *testing.T, wantError bool) ldItem {
	t.Helper()
	for {
		select {
		case it := <-lc.items:
			if it.kind == "error" && !wantError {
				continue
			}
			return it
		case <-time.After(dialDeadlock):
			t.Fatal("nothing received")
			return ldItem{}
		}
	}
}

// requireEvents checks that the next events are want.
func (lc *ldClient) requireEvents(t *testing.T, want ...Event) {
	t.Helper()
	for i, w := range want {
		it := lc.next(t, false)
		if it.kind != "event" || it.event != w {
			t.Fatalf("event %d: got %s %+v %q %v, want %+v", i, it.kind, it.event, it.text, it.err, w)
		}
	}
}

// requireComment returns the next comment.
func (lc *ldClient) requireComment(t *testing.T) string {
	t.Helper()
	it := lc.next(t, false)
	if it.kind != "comment" {
		t.Fatalf("got %s %+v, want a comment", it.kind, it.event)
	}
	return it.text
}

// requireError returns the next connection error.
func (lc *ldClient) requireError(t *testing.T) error {
	t.Helper()
	it := lc.next(t, true)
	if it.kind != "error" {
		t.Fatalf("got %s %+v, want a connection error", it.kind, it.event)
	}
	return it.err
}

// msg is the suite's EventMessage: type "message" unless given.
func msg(id, data string) Event { return ev("message", id, data) }

// ldParsingCase is a stream sent in chunks and the events it must yield.
type ldParsingCase struct {
	name   string
	chunks []string
	split  int // when > 0, send the concatenated chunks in pieces of split bytes
	want   []Event
}

// runLDParsing runs parsing cases, each with a fresh server and client.
func runLDParsing(t *testing.T, cases []ldParsingCase, opts ...Option) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dialLeakCheck(t)
			srv := newLDServer(t)
			lc := newLDClient(t, dialGet(t, srv.URL), opts...)
			st := srv.await(t)
			if tc.split > 0 {
				st.sendInChunks(strings.Join(tc.chunks, ""), tc.split)
			} else {
				st.send(tc.chunks...)
			}
			lc.requireEvents(t, tc.want...)
		})
	}
}

// tests_basic_parsing.go.
func TestDialContractBasicParsing(t *testing.T) {
	var many []string
	var manyWant []Event
	for i := range 100 {
		many = append(many, fmt.Sprintf("data: message %d\n\n", i))
		manyWant = append(manyWant, msg("", fmt.Sprintf("message %d", i)))
	}
	runLDParsing(t, []ldParsingCase{
		{name: "one-line message in one chunk", chunks: []string{"data: Hello\n\n"}, want: []Event{msg("", "Hello")}},
		{name: "one-line message in two chunks", chunks: []string{"data: Hel", "lo\n\n"}, want: []Event{msg("", "Hello")}},
		{name: "two one-line messages in one chunk", chunks: []string{"data: Hello\n\ndata: World\n\n"},
			want: []Event{msg("", "Hello"), msg("", "World")}},
		{name: "one two-line message in one chunk", chunks: []string{"data: Hello\ndata:World\n\n"}, want: []Event{msg("", "Hello\nWorld")}},
		{name: "empty data", chunks: []string{"data:\n\n"}, want: []Event{msg("", "")}},
		{name: "event with specific type", chunks: []string{"event: greeting\ndata: Hello\n\n"}, want: []Event{ev("greeting", "", "Hello")}},
		{name: "default event type", chunks: []string{"data: Hello\n\n"}, want: []Event{ev("message", "", "Hello")}},
		{name: "event with ID", chunks: []string{"id: abc\ndata: Hello\n\n"}, want: []Event{msg("abc", "Hello")}},
		{name: "event with type and ID", chunks: []string{"event: greeting\nid: abc\ndata: Hello\n\n"},
			want: []Event{ev("greeting", "abc", "Hello")}},
		{name: "ID field is ignored if it contains a null", chunks: []string{"id: a\x00bc\ndata: Hello\n\n"}, want: []Event{msg("", "Hello")}},
		{name: "last ID persists if not overridden by later event", chunks: []string{"id: abc\ndata: first\n\n", "data: second\n\n"},
			want: []Event{msg("abc", "first"), msg("abc", "second")}},
		{name: "last ID can be overridden by an empty value", chunks: []string{"id: abc\ndata: first\n\n", "id: \ndata: second\n\n"},
			want: []Event{msg("abc", "first"), msg("", "second")}},
		{name: "fields in reverse order", chunks: []string{"data: Hello\nid: abc\nevent: greeting\n\n"},
			want: []Event{ev("greeting", "abc", "Hello")}},
		{name: "unknown field is ignored", chunks: []string{"event: greeting\ncolor: blue\ndata: Hello\n\n"},
			want: []Event{ev("greeting", "", "Hello")}},
		{name: "fields without leading space", chunks: []string{"event:greeting\ndata:Hello\n\n"}, want: []Event{ev("greeting", "", "Hello")}},
		{name: "fields with extra leading space", chunks: []string{"event:  greeting\ndata:  Hello\n\n"},
			want: []Event{ev(" greeting", "", " Hello")}},
		{name: "field with no colon", chunks: []string{"data\n\ndata\ndata\n\n"}, want: []Event{msg("", ""), msg("", "\n")}},
		{name: "multi-byte characters", chunks: []string{"data: €豆腐\n\n"}, want: []Event{msg("", "€豆腐")}},
		{name: "many messages in rapid succession", chunks: []string{strings.Join(many, "")}, want: manyWant},
		{name: "multi-byte characters sent in single-byte pieces", chunks: []string{"data: €豆腐\n\n"}, split: 1,
			want: []Event{msg("", "€豆腐")}},
	})
}

// tests_linefeeds.go.
func TestDialContractLinefeeds(t *testing.T) {
	for _, term := range []struct{ name, eol string }{{"LF separator", "\n"}, {"CRLF separator", "\r\n"}, {"CR separator", "\r"}} {
		t.Run(term.name, func(t *testing.T) {
			n := term.eol
			inputs := []struct {
				name  string
				input string
				want  []Event
			}{
				{"one-line event", "data: event 1" + n + n, []Event{msg("", "event 1")}},
				{"one-line event + two-line event",
					"data: event 1" + n + n + "data: event 2 line 1" + n + "data: event 2 line 2" + n + n,
					[]Event{msg("", "event 1"), msg("", "event 2 line 1\nevent 2 line 2")}},
				{"3-line event with empty line at beginning", "data:" + n + "data: line2" + n + "data: line3" + n + n,
					[]Event{msg("", "\nline2\nline3")}},
				{"3-line event with empty line in middle", "data: line1" + n + "data:" + n + "data: line3" + n + n,
					[]Event{msg("", "line1\n\nline3")}},
				{"ignores 1 extra empty line", "data: event 1" + n + n + n + "data: event 2" + n + n,
					[]Event{msg("", "event 1"), msg("", "event 2")}},
				{"ignores 2 extra empty lines", "data: event 1" + n + n + n + n + "data: event 2" + n + n,
					[]Event{msg("", "event 1"), msg("", "event 2")}},
			}
			for _, in := range inputs {
				t.Run(in.name, func(t *testing.T) {
					runLDParsing(t, []ldParsingCase{
						{name: "one chunk", chunks: []string{in.input}, want: in.want},
						{name: "1-character chunks", chunks: []string{in.input}, split: 1, want: in.want},
						{name: "2-character chunks", chunks: []string{in.input}, split: 2, want: in.want},
					})
				})
			}
		})
	}
	runLDParsing(t, []ldParsingCase{{
		name:   "CRLF where CR is end of 1 chunk",
		chunks: []string{"data: Hello\r", "\ndata: World\r", "\n\r\ndata: OK\r", "\n", "\r", "\n"},
		want:   []Event{msg("", "Hello\nWorld"), msg("", "OK")},
	}})
}

// tests_bom.go.
func TestDialContractBOM(t *testing.T) {
	const bom = "\xEF\xBB\xBF"
	runLDParsing(t, []ldParsingCase{
		{name: "BOM at start of stream is stripped", chunks: []string{bom + "data: Hello\n\n"}, want: []Event{msg("", "Hello")}},
		{name: "BOM stripped before first event with type and ID", chunks: []string{bom + "event: greeting\nid: abc\ndata: Hello\n\n"},
			want: []Event{ev("greeting", "abc", "Hello")}},
		{name: "BOM stripped with multiple messages", chunks: []string{bom + "data: First\n\ndata: Second\n\n"},
			want: []Event{msg("", "First"), msg("", "Second")}},
		{name: "BOM only stripped at stream start, not from later data", chunks: []string{"data: First\n\n", "data: " + bom + "Second\n\n"},
			want: []Event{msg("", "First"), msg("", bom+"Second")}},
		{name: "BOM split across first two chunks", chunks: []string{"\xEF\xBB", "\xBFdata: Hello\n\n"}, want: []Event{msg("", "Hello")}},
		{name: "BOM split byte by byte across chunks", chunks: []string{"\xEF", "\xBB", "\xBF", "data: Hello\n\n"},
			want: []Event{msg("", "Hello")}},
		{name: "only first BOM at start is stripped", chunks: []string{bom + "data: " + bom + "Hello\n\n"}, want: []Event{msg("", bom+"Hello")}},
		{name: "no BOM - baseline test", chunks: []string{"data: Hello\n\n"}, want: []Event{msg("", "Hello")}},
		{name: "BOM with multi-line data", chunks: []string{bom + "data: Line1\ndata: Line2\n\n"}, want: []Event{msg("", "Line1\nLine2")}},
		{name: "BOM does not affect empty data field", chunks: []string{bom + "data:\n\n"}, want: []Event{msg("", "")}},
	})
	t.Run("BOM with comment at start", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		lc := newLDClient(t, dialGet(t, srv.URL))
		srv.await(t).send(bom + ":comment\ndata: Hello\n\n")
		if c := lc.requireComment(t); c != "comment" {
			t.Errorf("comment %q", c)
		}
		lc.requireEvents(t, msg("", "Hello"))
	})
}

// tests_comments.go (capability "comments", through WithOnComment).
func TestDialContractComments(t *testing.T) {
	for _, tc := range []struct {
		name   string
		chunks []string
		want   []string // "c:" comment or "e:" event data, in order
	}{
		{"single comment", []string{":Hello\n"}, []string{"c:Hello"}},
		{"two comments in a row", []string{":Hello\n", ":World\n"}, []string{"c:Hello", "c:World"}},
		{"comment before event", []string{":Hello\n", "data: Hello\n\n"}, []string{"c:Hello", "e:Hello"}},
		{"comment after event", []string{"data: Hello\n\n", ":Hello\n"}, []string{"e:Hello", "c:Hello"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dialLeakCheck(t)
			srv := newLDServer(t)
			lc := newLDClient(t, dialGet(t, srv.URL))
			srv.await(t).send(tc.chunks...)
			for _, w := range tc.want {
				if text, ok := strings.CutPrefix(w, "c:"); ok {
					if got := lc.requireComment(t); got != text {
						t.Errorf("comment %q, want %q", got, text)
					}
				} else {
					lc.requireEvents(t, msg("", strings.TrimPrefix(w, "e:")))
				}
			}
		})
	}
}

// tests_http_behavior.go.
func TestDialContractHTTPBehavior(t *testing.T) {
	t.Run("default method and headers", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		newLDClient(t, dialGet(t, srv.URL))
		st := srv.await(t)
		if st.Method != "GET" || st.Header.Get("Accept") != "text/event-stream" || st.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("request %s %v", st.Method, st.Header)
		}
		if v := st.Header.Values("Last-Event-Id"); len(v) != 0 {
			t.Errorf("Last-Event-Id %q, want none", v)
		}
	})
	t.Run("custom headers", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		req := dialGet(t, srv.URL)
		req.Header.Set("header-name-1", "value-1")
		req.Header.Set("header-name-2", "value-2")
		newLDClient(t, req)
		st := srv.await(t)
		if st.Header.Get("header-name-1") != "value-1" || st.Header.Get("header-name-2") != "value-2" {
			t.Errorf("headers %v", st.Header)
		}
	})
	for _, method := range []string{"POST", "REPORT"} {
		t.Run(method+" request", func(t *testing.T) {
			dialLeakCheck(t)
			srv := newLDServer(t)
			const body = `{"hello": "world"}`
			req, err := http.NewRequestWithContext(dialCtx(t), method, srv.URL, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("content-type", "application/json; charset=utf-8")
			newLDClient(t, req)
			st := srv.await(t)
			if st.Method != method || st.Header.Get("Content-Type") != "application/json; charset=utf-8" || st.Body != body {
				t.Errorf("request %s %v %q", st.Method, st.Header, st.Body)
			}
		})
	}
	t.Run("sends Last-Event-Id in initial request if set", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		newLDClient(t, dialGet(t, srv.URL), WithLastEventID("abc"))
		if got := srv.await(t).Header.Get("Last-Event-Id"); got != "abc" {
			t.Errorf("Last-Event-Id %q, want abc", got)
		}
	})
	t.Run("204 halts re-connection attempts", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		})
		c := mustDial(t, srv.URL)
		if err := dialEnd(t, c); err != nil {
			t.Errorf("Err = %v", err)
		}
		if n := len(srv.requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	for _, status := range []int{301, 307} {
		t.Run(fmt.Sprintf("client follows %d redirect", status), func(t *testing.T) {
			dialLeakCheck(t)
			srv := newLDServer(t)
			redirect := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", srv.URL)
				w.WriteHeader(status)
			})
			lc := newLDClient(t, dialGet(t, redirect.URL))
			srv.await(t).send("data: hello\n\n")
			lc.requireEvents(t, msg("", "hello"))
		})
		for _, action := range []string{"empty", "missing"} {
			t.Run(fmt.Sprintf("client handles %s Location header with %d status", action, status), func(t *testing.T) {
				dialLeakCheck(t)
				redirect := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
					if action == "empty" {
						w.Header().Set("Location", "")
					}
					w.WriteHeader(status)
				})
				_, err := dialTest(t, dialGet(t, redirect.URL))
				if !errors.Is(err, ErrUnexpectedStatus) {
					t.Errorf("Dial: %v, want ErrUnexpectedStatus", err)
				}
				if n := len(redirect.requests()); n != 1 {
					t.Errorf("%d requests, want 1", n)
				}
			})
		}
	}
}

// tests_reconnection.go.
func TestDialContractReconnection(t *testing.T) {
	t.Run("sends ID of last received event", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		lc := newLDClient(t, dialGet(t, srv.URL))
		st1 := srv.await(t)
		if v := st1.Header.Values("Last-Event-Id"); len(v) != 0 {
			t.Errorf("first Last-Event-Id %q", v)
		}
		st1.send("id: abc\ndata: Hello\n\n")
		lc.requireEvents(t, msg("abc", "Hello"))
		st1.breakConn()
		if got := srv.await(t).Header.Get("Last-Event-Id"); got != "abc" {
			t.Errorf("reconnection Last-Event-Id %q, want abc", got)
		}
	})
	t.Run("sends ID of last received event that had an ID if later events did not", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		lc := newLDClient(t, dialGet(t, srv.URL))
		st1 := srv.await(t)
		st1.send("id: abc\ndata: Hello\n\n", "data: World\n\n")
		lc.requireEvents(t, msg("abc", "Hello"), msg("abc", "World"))
		st1.breakConn()
		if got := srv.await(t).Header.Get("Last-Event-Id"); got != "abc" {
			t.Errorf("reconnection Last-Event-Id %q, want abc", got)
		}
	})
	t.Run("last event ID can be explicitly overridden with an empty value", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		lc := newLDClient(t, dialGet(t, srv.URL))
		st1 := srv.await(t)
		st1.send("id: abc\ndata: Hello\n\n", "id: \ndata: World\n\n")
		lc.requireEvents(t, msg("abc", "Hello"), msg("", "World"))
		st1.breakConn()
		if v, ok := srv.await(t).Header["Last-Event-Id"]; ok {
			t.Errorf("reconnection sent Last-Event-Id %q, want none", v)
		}
	})
	t.Run("caller can trigger a restart", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		lc := newLDClient(t, dialGet(t, srv.URL))
		st1 := srv.await(t)
		st1.send("id: abc\ndata: Hello\n\n")
		lc.requireEvents(t, msg("abc", "Hello"))
		lc.c.Reconnect()
		if err := lc.requireError(t); !errors.Is(err, ErrForcedReconnect) {
			t.Errorf("connection error %v, want ErrForcedReconnect", err)
		}
		st2 := srv.await(t)
		if got := st2.Header.Get("Last-Event-Id"); got != "abc" {
			t.Errorf("restart Last-Event-Id %q, want abc", got)
		}
		st2.send("data: World\n\n")
		lc.requireEvents(t, msg("abc", "World"))
	})
	t.Run("resends request body if any when reconnecting", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		const body = `{"hello": "world"}`
		req, err := http.NewRequestWithContext(dialCtx(t), "POST", srv.URL, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("content-type", "application/json; charset=utf-8")
		// A POST is one-shot unless WithReconnect allows sending it again.
		newLDClient(t, req, WithReconnect())
		st1 := srv.await(t)
		st1.breakConn()
		st2 := srv.await(t)
		for i, st := range []*ldStream{st1, st2} {
			if st.Method != "POST" || st.Body != body {
				t.Errorf("connection %d: %s %q", i+1, st.Method, st.Body)
			}
		}
	})
	t.Run("can set read timeout", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		lc := newLDClient(t, dialGet(t, srv.URL), WithIdleTimeout(500*time.Millisecond))
		srv.await(t).send("data: Hello\n\n")
		lc.requireEvents(t, msg("", "Hello"))
		if err := lc.requireError(t); !errors.Is(err, ErrIdleTimeout) {
			t.Errorf("error %v, want ErrIdleTimeout", err)
		}
		srv.await(t)
	})
	t.Run("discards partial messages on retry", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		lc := newLDClient(t, dialGet(t, srv.URL))
		st1 := srv.await(t)
		st1.send("id: abc\ndata: Hello\n\nid: def\ndata: Goodbye")
		lc.requireEvents(t, msg("abc", "Hello"))
		st1.breakConn()
		srv.await(t).send("data: We meet again\n\n")
		// The suite only requires the id not to be "def"; rule 18 makes it "abc".
		lc.requireEvents(t, msg("abc", "We meet again"))
	})
	t.Run("new connection established after breaking previous is functional", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newLDServer(t)
		lc := newLDClient(t, dialGet(t, srv.URL))
		st1 := srv.await(t)
		st1.send("id: abc\ndata: Hello\n\n")
		lc.requireEvents(t, msg("abc", "Hello"))
		st1.breakConn()
		srv.await(t).send("id: def\ndata: World\n\n")
		lc.requireEvents(t, msg("def", "World"))
	})
}

// tests_payload_sizes.go (capability "payload-size-stress-testable"): the
// largest size, 1 MiB of data, is over the default limit of a line, so the
// client is given WithMaxSize(2 MiB).
func TestDialContractPayloadSizes(t *testing.T) {
	sizes := []int{1, 128, 512, 1023, 1024, 1025, 2048, 3999, 4094, 4096, 4098, 6144,
		8189, 8192, 8195, 12288, 16384, 32768, 65536, 262144, 1048576}
	for _, size := range sizes {
		t.Run(fmt.Sprintf("payload of %d bytes is delivered promptly", size), func(t *testing.T) {
			dialLeakCheck(t)
			srv := newLDServer(t)
			lc := newLDClient(t, dialGet(t, srv.URL), WithMaxSize(2<<20))
			data := strings.Repeat("x", size)
			srv.await(t).send("data: " + data + "\n\n")
			it := lc.next(t, false)
			if it.kind != "event" || it.event.Data != data {
				t.Errorf("got %s with %d bytes of data, want %d", it.kind, len(it.event.Data), size)
			}
		})
	}
}
