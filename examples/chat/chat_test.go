package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastsse/sse/hub"
)

func TestMessagesReachEveryone(t *testing.T) {
	rm := start(t, config{})
	alice, bob := joined(t, rm, "alice"), joined(t, rm, "bob")
	as, bs := alice.subscribe(""), bob.subscribe("")
	as.wantPresence(t, "alice")
	bs.wantPresence(t, "alice", "bob")
	if as.retry != time.Second || bs.retry != time.Second {
		t.Errorf("retry %v, %v; want 1s", as.retry, bs.retry)
	}

	before := time.Now().Add(-time.Second)
	alice.say("hello, bob")
	// The page posts forms; JSON works too.
	resp, body := bob.request("POST", "/send", "application/json", `{"text":"  hi alice <3 \n how are you?  "}`, nil)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("JSON send: %s %s", resp.Status, body)
	}
	after := time.Now().Add(time.Second)

	want := []message{
		{Name: "alice", Text: "hello, bob"},
		{Name: "bob", Text: "hi alice <3 \n how are you?"},
	}
	for _, s := range []*subscriber{as, bs} {
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

func TestReconnectGetsMissedMessages(t *testing.T) {
	rm := start(t, config{})
	alice, bob := joined(t, rm, "alice"), joined(t, rm, "bob")
	as := alice.subscribe("")
	as.wantPresence(t, "alice")

	bob.say("one")
	_, seen := as.nextMessage(t)
	as.close()
	rm.waitStreams(t, "alice", 0)
	bob.say("two")
	bob.say("three")

	// Alice's browser reconnects with the id of the last event it saw.
	as = alice.subscribe(seen.ID)
	bob.say("four") // sent after she is back
	var got []string
	for len(got) < 3 {
		switch ev := as.next(t); ev.Type {
		case hub.ResetEvent:
			t.Fatal("reset although the id was in the buffer")
		case "message":
			got = append(got, messageOf(t, ev).Text)
		}
	}
	if want := []string{"two", "three", "four"}; !slices.Equal(got, want) {
		t.Errorf("after reconnecting: %q, want %q", got, want)
	}
}

func TestReconnectThroughQueryParameter(t *testing.T) {
	rm := start(t, config{})
	alice := joined(t, rm, "alice")
	as := alice.subscribe("")
	alice.say("one")
	_, seen := as.nextMessage(t)
	as.close()
	alice.say("two")

	// A page that recreates its EventSource passes the id in the URL.
	req, err := http.NewRequest("GET", rm.URL+"/events?lastEventId="+url.QueryEscape(seen.ID), nil)
	if err != nil {
		t.Fatal(err)
	}
	as = alice.open(req)
	if m, _ := as.nextMessage(t); m.Text != "two" {
		t.Errorf("first message after reconnecting: %q, want %q", m.Text, "two")
	}
}

func TestReconnectTooLateIsReset(t *testing.T) {
	rm := start(t, config{})
	alice := joined(t, rm, "alice")
	as := alice.subscribe("an-id-from-before-a-restart")
	if ev := as.nextOf(t, hub.ResetEvent); ev.Data != "replay" {
		t.Errorf("reset %q, want replay", ev.Data)
	}
	alice.say("still works")
	if m, _ := as.nextMessage(t); m.Text != "still works" {
		t.Errorf("message %q", m.Text)
	}
}

func TestBadRequests(t *testing.T) {
	rm := start(t, config{})
	alice := joined(t, rm, "alice")
	as := alice.subscribe("")

	text := func(s string) string { return url.Values{"text": {s}}.Encode() }
	for _, tc := range []struct {
		what, contentType, body string
		code                    int
		says                    string
	}{
		{"no text", formType, text(""), 400, "text is required"},
		{"blank text", formType, text(" \n\t "), 400, "text is required"},
		{"long text", formType, text(strings.Repeat("x", maxText+1)), 400, "text is longer than 2000 characters"},
		{"invalid UTF-8", formType, text("hi \xff"), 400, "text is not valid UTF-8"},
		{"no body", "", "", 400, "text is required"},
		{"bad JSON", "application/json", `{"text":`, 400, "invalid JSON body"},
		{"JSON of the wrong type", "application/json", `{"text":42}`, 400, "invalid JSON body"},
		{"huge body", formType, text(strings.Repeat("x", maxBody)), 413, "request body larger than"},
	} {
		resp, body := alice.request("POST", "/send", tc.contentType, tc.body, nil)
		if resp.StatusCode != tc.code || !strings.Contains(body, tc.says) {
			t.Errorf("send, %s: %d %q, want %d %q", tc.what, resp.StatusCode, body, tc.code, tc.says)
		}
		rm.clock.advance(time.Second) // not to reach the rate limit
	}
	// None of them was published: the next message is the next good one.
	alice.say("good")
	if m, _ := as.nextMessage(t); m.Text != "good" {
		t.Errorf("message after the bad requests: %q", m.Text)
	}

	name := func(s string) string { return url.Values{"name": {s}}.Encode() }
	stranger := newBrowser(t, rm)
	for _, tc := range []struct {
		what, contentType, body string
		code                    int
		says                    string
	}{
		{"no name", formType, name(""), 400, "name is required"},
		{"blank name", formType, name("   "), 400, "name is required"},
		{"long name", formType, name(strings.Repeat("é", maxName+1)), 400, "name is longer than 32 characters"},
		{"control character in name", formType, name("al\x07ice"), 400, "name contains control characters"},
		{"invalid UTF-8 name", formType, name("al\xffice"), 400, "name is not valid UTF-8"},
		{"bad JSON", "application/json", `{"name":`, 400, "invalid JSON body"},
	} {
		resp, body := stranger.request("POST", "/join", tc.contentType, tc.body, nil)
		if resp.StatusCode != tc.code || !strings.Contains(body, tc.says) {
			t.Errorf("join, %s: %d %q, want %d %q", tc.what, resp.StatusCode, body, tc.code, tc.says)
		}
		if len(resp.Cookies()) != 0 {
			t.Errorf("join, %s: cookie set", tc.what)
		}
	}

	for _, tc := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/send", 405},
		{"GET", "/join", 405},
		{"POST", "/events", 405},
		{"GET", "/nope", 404},
	} {
		if resp, _ := alice.request(tc.method, tc.path, "", "", nil); resp.StatusCode != tc.code {
			t.Errorf("%s %s: %s, want %d", tc.method, tc.path, resp.Status, tc.code)
		}
	}
}

func TestPage(t *testing.T) {
	rm := start(t, config{})
	resp, err := rm.Client().Get(rm.URL + "/")
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
	for _, want := range []string{"<!DOCTYPE html>", "new EventSource(", `"/join"`, `"/send"`, `"/leave"`, `"reset"`, "were missed", "Retry-After"} {
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
	// The policy allows exactly the page's inline script and style.
	csp := resp.Header.Get("Content-Security-Policy")
	if strings.Contains(csp, "unsafe") || !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	for _, tag := range []string{"script", "style"} {
		if n := strings.Count(page, "<"+tag); n != 1 {
			t.Fatalf("%d %s elements; the policy hashes one", n, tag)
		}
		_, rest, _ := strings.Cut(page, "<"+tag+">")
		body, _, _ := strings.Cut(rest, "</"+tag+">")
		sum := sha256.Sum256([]byte(body))
		if want := tag + "-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
}

func TestShutdownEndsStreams(t *testing.T) {
	chat := newServer(config{Replay: 10})
	srv := httptest.NewServer(chat)
	defer srv.Close()
	rm := &room{Server: srv, chat: chat}
	alice := joined(t, rm, "alice")
	as := alice.subscribe("")
	as.wantPresence(t, "alice")

	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	if err := chat.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	as.end(t)
	if code, body := alice.post("/send", url.Values{"text": {"anyone?"}}); code != http.StatusServiceUnavailable {
		t.Errorf("send after shutdown: %d %s", code, body)
	}
}
