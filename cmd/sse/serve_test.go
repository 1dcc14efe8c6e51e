package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fastsse/sse"
	"go.uber.org/goleak"
)

// startServe serves the named recording on a loopback port and returns
// its base URL; the server stops at the end of the test.
func startServe(t *testing.T, name string, sv *server) string {
	t.Helper()
	rec, err := loadRecording(name, sse.DefaultMaxSize)
	if err != nil {
		t.Fatal(err)
	}
	sv.rec = rec
	if sv.heartbeat == 0 {
		sv.heartbeat = time.Hour
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sv.serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// readEvents reads n events from url with lastID as Last-Event-ID, and
// the comments seen meanwhile.
func readEvents(t *testing.T, url, lastID string, n int) ([]sse.Event, []string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	s := sse.NewScanner(resp.Body)
	if lastID != "" {
		s.SetLastEventID(lastID)
	}
	var comments []string
	s.OnComment(func(c []byte) { comments = append(comments, string(c)) })
	var got []sse.Event
	for len(got) < n && s.Next() {
		var e sse.Event
		s.Decode(&e)
		got = append(got, e)
	}
	if len(got) < n {
		t.Fatalf("stream ended after %d of %d events: %v", len(got), n, s.Err())
	}
	if d, ok := s.Retry(); !ok || d != 3*time.Second {
		t.Errorf("retry %v %v, want the recording's 3s", d, ok)
	}
	return got, comments
}

// checkLeaks verifies, after every other cleanup of the test (the server's
// included), that no goroutine started by the test is left.
func checkLeaks(t *testing.T) {
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

func TestServeReplaysRecording(t *testing.T) {
	checkLeaks(t)
	base := startServe(t, "../../testdata/chat.sse", &server{})
	rec, _ := loadRecording("../../testdata/chat.sse", sse.DefaultMaxSize)

	got, _ := readEvents(t, base+"/events", "", len(rec.events))
	if !reflect.DeepEqual(got, rec.events) {
		t.Fatalf("served\n%q\nrecorded\n%q", got, rec.events)
	}
	// Resuming after id 15 gives the events after the one that set it.
	got, _ = readEvents(t, base+"/events", "15", 3)
	if !reflect.DeepEqual(got, rec.events[len(rec.events)-3:]) {
		t.Fatalf("resumed\n%q\nwant\n%q", got, rec.events[len(rec.events)-3:])
	}
	// An id the recording never set: from the start.
	got, _ = readEvents(t, base+"/events", "nope", 1)
	if got[0] != rec.events[0] {
		t.Fatalf("unknown id: first event %q", got[0])
	}

	resp, err := http.Get(base + "/types")
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	json.NewDecoder(resp.Body).Decode(&types)
	resp.Body.Close()
	if !reflect.DeepEqual(types, []string{"message", "usage"}) {
		t.Errorf("/types %q", types)
	}
	resp, err = http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("page: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
}

// TestServeHeartbeats checks that an exhausted stream stays open, sending
// heartbeat comments.
func TestServeHeartbeats(t *testing.T) {
	checkLeaks(t)
	base := startServe(t, "../../testdata/chat.sse", &server{heartbeat: time.Millisecond})
	rec, _ := loadRecording("../../testdata/chat.sse", sse.DefaultMaxSize)
	resp, err := http.Get(base + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events, beats := 0, 0
	// The reader ends the stream for the Scanner once three heartbeats have
	// come after the last event.
	s := sse.NewScanner(&untilReader{r: resp.Body, stop: func() bool { return beats >= 3 }})
	s.OnComment(func(c []byte) {
		if string(c) == "heartbeat" && events == len(rec.events) {
			beats++
		}
	})
	for s.Next() {
		events++
	}
	if events != len(rec.events) || beats < 3 || s.Err() != nil {
		t.Fatalf("%d events, %d heartbeats after them, err %v", events, beats, s.Err())
	}
}

// untilReader reads from r until stop reports true, then reports io.EOF.
type untilReader struct {
	r    io.Reader
	stop func() bool
}

func (u *untilReader) Read(p []byte) (int, error) {
	if u.stop() {
		return 0, io.EOF
	}
	return u.r.Read(p)
}

// TestServeShutdownEndsStreams cancels the server while a client is
// connected: the stream ends and serve returns.
func TestServeShutdownEndsStreams(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rec, _ := loadRecording("../../testdata/chat.sse", sse.DefaultMaxSize)
	sv := &server{rec: rec, heartbeat: time.Hour, rate: 1000}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sv.serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	s := sse.NewScanner(resp.Body)
	if !s.Next() {
		t.Fatal(s.Err())
	}
	cancel()
	for s.Next() {
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return after its context ended")
	}
}

func TestServeUsage(t *testing.T) {
	for _, args := range [][]string{{"serve"}, {"serve", "a", "b"}, {"serve", "--rate", "-1", "x"}} {
		if code, _, _ := runSSE(t, "", args...); code != exitUsage {
			t.Errorf("%q: exit %d", args, code)
		}
	}
	if code, _, errOut := runSSE(t, "", "serve", "missing.sse"); code != exitFail || errOut == "" {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
}

// TestServeIDs checks the id fields on the wire: sent only where the
// recording changed the last event ID, cleared with an empty id, and a
// resume that starts after the first event that set the requested id.
func TestServeIDs(t *testing.T) {
	checkLeaks(t)
	name := filepath.Join(t.TempDir(), "ids.sse")
	recorded := "id: a\ndata: 1\n\n" +
		"data: 2\n\n" + // carries a
		"id\ndata: 3\n\n" + // clears it
		"data: 4\n\n" +
		"id: a\ndata: 5\n\n" + // a again
		"event: x\nid: b\ndata: 6\n\n"
	if err := os.WriteFile(name, []byte(recorded), 0o644); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, name, &server{heartbeat: time.Millisecond})
	for _, tc := range []struct {
		lastID string
		ids    []string // the id lines sent, in order
		data   string   // the data of the events sent
	}{
		{"", []string{"id: a", "id:", "id: a", "id: b"}, "123456"},
		{"a", []string{"id:", "id: a", "id: b"}, "23456"},
		{"b", nil, ""},
		{"unknown", []string{"id: a", "id:", "id: a", "id: b"}, "123456"},
	} {
		events, wire := readWire(t, base+"/events", tc.lastID, len(tc.data))
		var ids []string
		for _, line := range strings.Split(wire, "\n") {
			if line == "id" || strings.HasPrefix(line, "id:") {
				ids = append(ids, line)
			}
		}
		var data string
		for _, e := range events {
			data += e.Data
		}
		if !reflect.DeepEqual(ids, tc.ids) || data != tc.data {
			t.Errorf("Last-Event-ID %q: id lines %q, data %q; want %q, %q\nwire:\n%s", tc.lastID, ids, data, tc.ids, tc.data, wire)
		}
	}
}

// readWire reads the stream at url, sent with lastID as Last-Event-ID,
// up to the first heartbeat after n events (the server sends nothing else
// once the recording is exhausted), and returns the events and the bytes
// they came in.
func readWire(t *testing.T, url, lastID string, n int) ([]sse.Event, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var wire strings.Builder
	var events []sse.Event
	done := false
	s := sse.NewScanner(&untilReader{r: io.TeeReader(resp.Body, &wire), stop: func() bool { return done }})
	s.OnComment(func([]byte) { done = done || len(events) >= n })
	for s.Next() {
		var e sse.Event
		s.Decode(&e)
		events = append(events, e)
	}
	if len(events) != n || s.Err() != nil {
		t.Fatalf("Last-Event-ID %q: %d events before the heartbeat, want %d (err %v)", lastID, len(events), n, s.Err())
	}
	return events, wire.String()
}
