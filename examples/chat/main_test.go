package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastsse/sse"
	"github.com/fastsse/sse/hub"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// hangGuard bounds every wait for an event; it is never what a test
// waits for.
const hangGuard = 10 * time.Second

// start serves a chat room on loopback and stops it when the test ends.
func start(t *testing.T) *httptest.Server {
	t.Helper()
	chat := newServer(config{Replay: 1000, Heartbeat: time.Minute, Retry: time.Second})
	srv := httptest.NewServer(chat)
	// Cleanups run last first: end the streams, then the server.
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
		defer cancel()
		if err := chat.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return srv
}

// subscriber is a browser's stream, read with sse.Scanner from a real
// response body.
type subscriber struct {
	events chan event
	body   io.ReadCloser
	retry  time.Duration // the retry field in effect at the last event read
}

type event struct {
	sse.Event
	retry time.Duration
}

// subscribe opens the stream of name; lastID, if any, is sent as
// Last-Event-ID.
func subscribe(t *testing.T, srv *httptest.Server, name, lastID string) *subscriber {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+"/events?name="+url.QueryEscape(name), nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	return open(t, srv, req)
}

func open(t *testing.T, srv *httptest.Server, req *http.Request) *subscriber {
	t.Helper()
	resp, err := srv.Client().Do(req)
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
	s := &subscriber{events: make(chan event, 100), body: resp.Body}
	go func() {
		defer close(s.events)
		sc := sse.NewScanner(resp.Body)
		for sc.Next() {
			var e event
			sc.Decode(&e.Event)
			e.retry, _ = sc.Retry()
			s.events <- e
		}
	}()
	t.Cleanup(s.close)
	return s
}

// close ends the stream, as a browser tab being closed does.
func (s *subscriber) close() { s.body.Close() }

// next returns the next event.
func (s *subscriber) next(t *testing.T) sse.Event {
	t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			t.Fatal("stream ended")
		}
		s.retry = e.retry
		return e.Event
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
func (s *subscriber) nextOf(t *testing.T, typ string) sse.Event {
	t.Helper()
	for {
		if ev := s.next(t); ev.Type == typ {
			return ev
		}
	}
}

// waitOnline reads presence events until one lists exactly names.
func (s *subscriber) waitOnline(t *testing.T, names ...string) {
	t.Helper()
	for {
		ev := s.nextOf(t, "presence")
		var p presence
		if err := json.Unmarshal([]byte(ev.Data), &p); err != nil {
			t.Fatalf("presence %q: %v", ev.Data, err)
		}
		if p.Count != len(p.Online) {
			t.Fatalf("presence %q: count is not the number of names", ev.Data)
		}
		if slices.Equal(p.Online, names) {
			return
		}
	}
}

// nextMessage returns the next message event, decoded.
func (s *subscriber) nextMessage(t *testing.T) (message, sse.Event) {
	t.Helper()
	ev := s.nextOf(t, "message")
	var m message
	if err := json.Unmarshal([]byte(ev.Data), &m); err != nil {
		t.Fatalf("message %q: %v", ev.Data, err)
	}
	return m, ev
}

func post(t *testing.T, srv *httptest.Server, contentType, body string) (int, string) {
	t.Helper()
	resp, err := srv.Client().Post(srv.URL+"/send", contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// say posts a message as a form and fails unless it is accepted.
func say(t *testing.T, srv *httptest.Server, name, text string) {
	t.Helper()
	form := url.Values{"name": {name}, "text": {text}}.Encode()
	if code, body := post(t, srv, "application/x-www-form-urlencoded", form); code != http.StatusNoContent {
		t.Fatalf("send %q: %d %s", text, code, body)
	}
}

func TestMessagesReachEveryone(t *testing.T) {
	srv := start(t)
	alice := subscribe(t, srv, "alice", "")
	alice.waitOnline(t, "alice")
	bob := subscribe(t, srv, "bob", "")
	bob.waitOnline(t, "alice", "bob")
	alice.waitOnline(t, "alice", "bob")
	if alice.retry != time.Second || bob.retry != time.Second {
		t.Errorf("retry %v, %v; want 1s", alice.retry, bob.retry)
	}

	before := time.Now().Add(-time.Second)
	say(t, srv, "alice", "hello, bob")
	code, body := post(t, srv, "application/json", `{"name":"bob","text":"  hi alice <3 \n how are you?  "}`)
	if code != http.StatusNoContent {
		t.Fatalf("JSON send: %d %s", code, body)
	}
	after := time.Now().Add(time.Second)

	want := []message{
		{Name: "alice", Text: "hello, bob"},
		{Name: "bob", Text: "hi alice <3 \n how are you?"},
	}
	for _, s := range []*subscriber{alice, bob} {
		for _, w := range want {
			m, ev := s.nextMessage(t)
			if ev.ID == "" {
				t.Errorf("message %q has no id", ev.Data)
			}
			if m.Name != w.Name || m.Text != w.Text {
				t.Errorf("got %+v, want %+v", m, w)
			}
			if m.Time.Before(before) || m.Time.After(after) {
				t.Errorf("time %v not between %v and %v", m.Time, before, after)
			}
			// The data is exactly the three fields.
			var fields map[string]any
			json.Unmarshal([]byte(ev.Data), &fields)
			if len(fields) != 3 {
				t.Errorf("data %s: want fields name, text, time", ev.Data)
			}
		}
	}
}

func TestPresence(t *testing.T) {
	srv := start(t)
	alice := subscribe(t, srv, "alice", "")
	alice.waitOnline(t, "alice")

	// A name is online once, however many streams it has.
	bob1 := subscribe(t, srv, "bob", "")
	alice.waitOnline(t, "alice", "bob")
	bob2 := subscribe(t, srv, "bob", "")
	bob2.waitOnline(t, "alice", "bob")
	carol := subscribe(t, srv, "carol", "")
	alice.waitOnline(t, "alice", "bob", "carol")

	bob1.close()
	// Bob is still online in his other tab: the next presence event still
	// lists him.
	ev := alice.nextOf(t, "presence")
	if want := `{"online":["alice","bob","carol"],"count":3}`; ev.Data != want {
		t.Errorf("after one of bob's streams closed: %s, want %s", ev.Data, want)
	}
	bob2.close()
	alice.waitOnline(t, "alice", "carol")
	carol.close()
	ev = alice.nextOf(t, "presence")
	if want := `{"online":["alice"],"count":1}`; ev.Data != want {
		t.Errorf("after carol left: %s, want %s", ev.Data, want)
	}
}

func TestReconnectGetsMissedMessages(t *testing.T) {
	srv := start(t)
	alice := subscribe(t, srv, "alice", "")
	alice.waitOnline(t, "alice")
	bob := subscribe(t, srv, "bob", "")
	alice.waitOnline(t, "alice", "bob")

	say(t, srv, "bob", "one")
	_, seen := alice.nextMessage(t)
	alice.close()
	bob.waitOnline(t, "bob")

	say(t, srv, "bob", "two")
	say(t, srv, "bob", "three")

	// Alice's browser reconnects with the id of the last event it saw.
	alice = subscribe(t, srv, "alice", seen.ID)
	say(t, srv, "bob", "four") // sent after she is back
	var got []string
	back := false // a presence event lists her again
	for len(got) < 3 {
		switch ev := alice.next(t); ev.Type {
		case hub.ResetEvent:
			t.Fatal("reset although the id was in the buffer")
		case "message":
			var m message
			json.Unmarshal([]byte(ev.Data), &m)
			got = append(got, m.Text)
		case "presence":
			back = ev.Data == `{"online":["alice","bob"],"count":2}`
		}
	}
	if want := []string{"two", "three", "four"}; !slices.Equal(got, want) {
		t.Errorf("after reconnecting: %q, want %q", got, want)
	}
	if !back {
		// Her own presence event was published when her stream started,
		// possibly after "four".
		alice.waitOnline(t, "alice", "bob")
	}
}

func TestReconnectThroughQueryParameter(t *testing.T) {
	srv := start(t)
	alice := subscribe(t, srv, "alice", "")
	say(t, srv, "alice", "one")
	_, seen := alice.nextMessage(t)
	alice.close()
	say(t, srv, "alice", "two")

	// A page that recreates its EventSource passes the id in the URL.
	req, err := http.NewRequest("GET", srv.URL+"/events?name=alice&lastEventId="+url.QueryEscape(seen.ID), nil)
	if err != nil {
		t.Fatal(err)
	}
	alice = open(t, srv, req)
	if m, _ := alice.nextMessage(t); m.Text != "two" {
		t.Errorf("first message after reconnecting: %q, want %q", m.Text, "two")
	}
}

func TestReconnectTooLateIsReset(t *testing.T) {
	srv := start(t)
	alice := subscribe(t, srv, "alice", "an-id-from-before-a-restart")
	if ev := alice.next(t); ev.Type != hub.ResetEvent || ev.Data != "replay" {
		t.Errorf("first event %+v, want a reset", ev)
	}
	say(t, srv, "alice", "still works")
	if m, _ := alice.nextMessage(t); m.Text != "still works" {
		t.Errorf("message %q", m.Text)
	}
}

func TestBadRequests(t *testing.T) {
	srv := start(t)
	alice := subscribe(t, srv, "alice", "")

	form := func(name, text string) string { return url.Values{"name": {name}, "text": {text}}.Encode() }
	const formType = "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		what, contentType, body string
		code                    int
		says                    string
	}{
		{"no name", formType, form("", "hi"), 400, "name is required"},
		{"blank name", formType, form("   ", "hi"), 400, "name is required"},
		{"no text", formType, form("alice", ""), 400, "text is required"},
		{"blank text", formType, form("alice", " \n\t "), 400, "text is required"},
		{"long name", formType, form(strings.Repeat("é", maxName+1), "hi"), 400, "name is longer than 32 characters"},
		{"long text", formType, form("alice", strings.Repeat("x", maxText+1)), 400, "text is longer than 2000 characters"},
		{"control character in name", formType, form("al\x07ice", "hi"), 400, "name contains control characters"},
		{"invalid UTF-8", formType, form("alice", "hi \xff"), 400, "text is not valid UTF-8"},
		{"no body", "", "", 400, "name is required"},
		{"bad JSON", "application/json", `{"name":`, 400, "invalid JSON body"},
		{"JSON without text", "application/json", `{"name":"alice"}`, 400, "text is required"},
		{"JSON of the wrong type", "application/json", `{"name":"alice","text":42}`, 400, "invalid JSON body"},
		{"huge body", formType, form("alice", strings.Repeat("x", maxBody)), 413, "request body larger than"},
	} {
		code, body := post(t, srv, tc.contentType, tc.body)
		if code != tc.code || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d %q, want %d %q", tc.what, code, body, tc.code, tc.says)
		}
	}
	// None of them was published: the next message is the next good one.
	say(t, srv, "alice", "good")
	if m, _ := alice.nextMessage(t); m.Text != "good" {
		t.Errorf("message after the bad requests: %q", m.Text)
	}

	for _, tc := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/events", 400},
		{"GET", "/events?name=", 400},
		{"GET", "/events?name=" + strings.Repeat("x", maxName+1), 400},
		{"GET", "/send", 405},
		{"POST", "/events?name=bob", 405},
		{"GET", "/nope", 404},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Errorf("%s %s: %s, want %d", tc.method, tc.path, resp.Status, tc.code)
		}
	}
}

func TestPage(t *testing.T) {
	srv := start(t)
	resp, err := srv.Client().Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	page := string(b)
	for _, want := range []string{"<!DOCTYPE html>", "new EventSource(", `"/send"`, `"reset"`, "were missed"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// No external resources.
	for _, bad := range []string{"http://", "https://", "src="} {
		if strings.Contains(page, bad) {
			t.Errorf("page refers to %q", bad)
		}
	}
}

func TestShutdownEndsStreams(t *testing.T) {
	chat := newServer(config{Replay: 10})
	srv := httptest.NewServer(chat)
	defer srv.Close()
	alice := subscribe(t, srv, "alice", "")
	alice.waitOnline(t, "alice")

	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	if err := chat.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	alice.end(t)
	code, body := post(t, srv, "application/x-www-form-urlencoded", "name=a&text=b")
	if code != http.StatusServiceUnavailable {
		t.Errorf("send after shutdown: %d %s", code, body)
	}
}
