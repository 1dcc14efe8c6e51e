package sse

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestInteropNodeBetterSSE dials a Node.js server written with the npm
// package better-sse (testdata/node/server.js) and checks that the Client
// receives exactly the stream the server sends, across a clean end with a
// partial event, an abrupt end and a 204, resuming each time after the
// Last-Event-ID.
//
// It needs node and testdata/node/node_modules (npm ci --prefix
// testdata/node). Without them the test is skipped, except in CI
// (CI=true), where it fails.
func TestInteropNodeBetterSSE(t *testing.T) {
	dir := filepath.Join("testdata", "node")
	node, err := exec.LookPath("node")
	if err != nil {
		interopUnavailable(t, "node is not in PATH")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "better-sse", "package.json")); err != nil {
		interopUnavailable(t, "better-sse is not installed in testdata/node/node_modules")
	}
	dialLeakCheck(t)
	port, requests := startNodeServer(t, node, dir)

	var h dialHooks
	var comments []string
	c := mustDial(t, "http://127.0.0.1:"+port+"/",
		append(h.options(), WithOnComment(func(b []byte) { comments = append(comments, string(b)) }))...)
	var got []Event
	for {
		e, ok := dialNext(t, c)
		if !ok {
			break
		}
		got = append(got, e)
	}
	if err := c.Err(); err != nil {
		t.Fatalf("stream ended with %v, want the normal end of a 204", err)
	}

	want := []Event{
		ev("greeting", "1", "hello"),
		ev("message", "2", "line one\nline two\n\nline four"),
		ev("json", "3", `{"n":3,"text":"€豆腐 ♥"}`),
		ev("update", "4", "four"),
		ev("message", "5", "five: with a colon"),
		ev("last", "6", "end"),
	}
	if len(got) != len(want) {
		t.Fatalf("got %d events %+v, want %+v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if len(comments) != 3 || comments[0] != "heartbeat" {
		t.Errorf("comments %q, want one heartbeat per stream", comments)
	}
	if d, set := c.Retry(); d != 15*time.Millisecond || !set {
		t.Errorf("Retry() = %v, %v, want 15ms set by the server", d, set)
	}
	wantDelays := []time.Duration{10 * time.Millisecond, 15 * time.Millisecond, 15 * time.Millisecond}
	if len(h.delay) != len(wantDelays) {
		t.Errorf("reconnection delays %v, want %v", h.delay, wantDelays)
	} else {
		for i := range wantDelays {
			if h.delay[i] != wantDelays[i] {
				t.Errorf("delay %d = %v, want %v", i, h.delay[i], wantDelays[i])
			}
		}
	}
	if len(h.errs) != 3 || !errors.Is(h.errs[0], io.EOF) || !errors.Is(h.errs[1], io.ErrUnexpectedEOF) || !errors.Is(h.errs[2], io.EOF) {
		t.Errorf("disconnect causes %v, want EOF, unexpected EOF, EOF", h.errs)
	}

	// What the server saw: each reconnection resumes after the last event
	// fully received; the partial event's id 99 is never sent back.
	wantIDs := []any{nil, "3", "5", "6"}
	reqs := requests(len(wantIDs))
	if len(reqs) != len(wantIDs) {
		t.Fatalf("server saw %d requests %+v, want %d", len(reqs), reqs, len(wantIDs))
	}
	for i, r := range reqs {
		if r["method"] != "GET" || r["lastEventId"] != wantIDs[i] ||
			r["accept"] != "text/event-stream" || r["cacheControl"] != "no-cache" {
			t.Errorf("request %d: %v, want Last-Event-ID %v", i, r, wantIDs[i])
		}
	}
}

// interopUnavailable skips the test, or fails it in CI, where node and the
// npm packages are installed.
func interopUnavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI must install node and run npm ci --prefix testdata/node)", why)
	}
	t.Skip(why)
}

// startNodeServer runs node server.js in dir and returns its port and a
// function returning the requests it has printed, waiting for up to n of
// them. The server is stopped when the test ends.
func startNodeServer(t *testing.T, node, dir string) (port string, requests func(n int) []map[string]any) {
	t.Helper()
	cmd := exec.Command(node, "server.js")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting node: %v", err)
	}
	lines := make(chan string, 100)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		stdin.Close() // the server exits when stdin closes
		select {
		case <-readDone:
		case <-time.After(dialDeadlock):
			cmd.Process.Kill()
			<-readDone
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("node server: %v\n%s", err, stderr.Bytes())
		}
	})

	select {
	case port = <-lines:
	case <-time.After(dialDeadlock):
		t.Fatalf("node server printed no port\n%s", stderr.Bytes())
	}
	if port == "" {
		t.Fatalf("node server exited\n%s", stderr.Bytes())
	}
	var seen []map[string]any
	requests = func(n int) []map[string]any {
		timeout := time.After(dialDeadlock)
		for len(seen) < n {
			select {
			case line, ok := <-lines:
				if !ok {
					return seen
				}
				var r map[string]any
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Errorf("node server printed %q", line)
					continue
				}
				seen = append(seen, r)
			case <-timeout:
				return seen
			}
		}
		// Anything more the server printed is a surplus request.
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					return seen
				}
				var r map[string]any
				json.Unmarshal([]byte(line), &r)
				seen = append(seen, r)
			default:
				return seen
			}
		}
	}
	return port, requests
}
