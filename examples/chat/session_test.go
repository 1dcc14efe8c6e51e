package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSessionCookie checks what joining hands the browser: a random
// token in a cookie out of reach of scripts and of other sites.
func TestSessionCookie(t *testing.T) {
	rm := start(t, config{})
	tokens := map[string]bool{}
	for _, name := range []string{"alice", "bob", "carol"} {
		resp, body := newBrowser(t, rm).request("POST", "/join", formType, url.Values{"name": {name}}.Encode(), nil)
		if resp.StatusCode != 200 || body != `{"name":"`+name+`"}` {
			t.Fatalf("join %s: %s %s", name, resp.Status, body)
		}
		cookies := resp.Cookies()
		if len(cookies) != 1 {
			t.Fatalf("join %s: cookies %v", name, cookies)
		}
		c := cookies[0]
		if c.Name != cookieName || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.MaxAge != 0 || !c.Expires.IsZero() {
			t.Errorf("cookie %s", c)
		}
		if c.Secure {
			t.Errorf("cookie %s: Secure over plain HTTP would never be sent back", c)
		}
		if len(c.Value) < 26 || strings.Contains(c.Value, name) {
			t.Errorf("token %q: want 128 random bits, nothing of the name", c.Value)
		}
		if tokens[c.Value] {
			t.Errorf("token %q given twice", c.Value)
		}
		tokens[c.Value] = true
	}
}

// TestNameBoundToSession checks that a message's name is its session's:
// a name in the request is ignored, and there is no posting without a
// live session.
func TestNameBoundToSession(t *testing.T) {
	rm := start(t, config{})
	alice, mallory := joined(t, rm, "alice"), joined(t, rm, "mallory")
	as := alice.subscribe("")
	as.wantPresence(t, "alice")

	// Mallory names herself alice in the form and in JSON.
	if code, body := mallory.post("/send", url.Values{"name": {"alice"}, "text": {"I am alice"}}); code != 204 {
		t.Fatalf("send: %d %s", code, body)
	}
	as.wantMessage(t, "mallory", "I am alice")
	if resp, body := mallory.request("POST", "/send", "application/json", `{"name":"alice","text":"really"}`, nil); resp.StatusCode != 204 {
		t.Fatalf("send: %s %s", resp.Status, body)
	}
	as.wantMessage(t, "mallory", "really")

	// No cookie, a made-up one, and alice's name as the cookie: refused.
	for what, cookie := range map[string]string{
		"no session":   "",
		"forged token": "AAAAAAAAAAAAAAAAAAAAAAAAAA",
		"a name":       "alice",
	} {
		b := newBrowser(t, rm)
		h := http.Header{}
		if cookie != "" {
			h.Set("Cookie", cookieName+"="+cookie)
		}
		resp, body := b.request("POST", "/send", formType, "name=alice&text=forged", h)
		if resp.StatusCode != 403 || !strings.Contains(body, "join first") {
			t.Errorf("%s: send %s %q, want 403", what, resp.Status, body)
		}
		if resp, _ := b.request("GET", "/events", "", "", h); resp.StatusCode != 403 {
			t.Errorf("%s: events %s, want 403", what, resp.Status)
		}
		if resp, body := b.request("GET", "/session", "", "", h); resp.StatusCode != 200 || body != `{"name":""}` {
			t.Errorf("%s: session %s %s, want no name", what, resp.Status, body)
		}
	}
	alice.say("only me")
	as.wantMessage(t, "alice", "only me")
}

func TestNamesAreUnique(t *testing.T) {
	rm := start(t, config{})
	alice := joined(t, rm, "alice")
	bob := joined(t, rm, "bob")
	for _, name := range []string{"alice", "Alice", "ALICE"} {
		if code, body := newBrowser(t, rm).post("/join", url.Values{"name": {name}}); code != http.StatusConflict || !strings.Contains(body, "taken") {
			t.Errorf("join as %q while alice is in: %d %q, want 409", name, code, body)
		}
	}
	// Bob cannot take her name either, and stays bob.
	if code, body := bob.post("/join", url.Values{"name": {"alice"}}); code != http.StatusConflict {
		t.Errorf("bob renaming to alice: %d %q, want 409", code, body)
	}
	if _, body := bob.request("GET", "/session", "", "", nil); body != `{"name":"bob"}` {
		t.Errorf("bob after a refused rename: %s", body)
	}
	// Joining again under one's own name keeps the session.
	before := alice.client.Jar.Cookies(mustURL(t, rm.URL))
	alice.join("alice")
	if after := alice.client.Jar.Cookies(mustURL(t, rm.URL)); after[0].Value != before[0].Value {
		t.Error("joining again under the same name changed the session")
	}

	// Once alice leaves, her name is free, and her token worthless.
	if code, body := alice.post("/leave", nil); code != http.StatusNoContent {
		t.Fatalf("leave: %d %s", code, body)
	}
	if len(alice.client.Jar.Cookies(mustURL(t, rm.URL))) != 0 {
		t.Error("leaving left the cookie in the browser")
	}
	stale := http.Header{"Cookie": {cookieName + "=" + before[0].Value}}
	if resp, _ := newBrowser(t, rm).request("POST", "/send", formType, "text=ghost", stale); resp.StatusCode != 403 {
		t.Errorf("send with the token of a session that left: %s", resp.Status)
	}
	joined(t, rm, "Alice")
}

// TestRenameEndsOldSession joins under another name from a browser in
// the room: the old session ends, with its streams, and its name is free.
func TestRenameEndsOldSession(t *testing.T) {
	rm := start(t, config{})
	alice := joined(t, rm, "alice")
	as := alice.subscribe("")
	as.wantPresence(t, "alice")
	alice.join("alicia")
	as.end(t)
	if _, body := alice.request("GET", "/session", "", "", nil); body != `{"name":"alicia"}` {
		t.Errorf("session after renaming: %s", body)
	}
	joined(t, rm, "alice")
}

// TestSessionExpires checks that a session lives while a stream is open,
// and for SessionIdle after the last one closed.
func TestSessionExpires(t *testing.T) {
	rm := start(t, config{SessionIdle: time.Minute})
	alice := joined(t, rm, "alice")
	as := alice.subscribe("")
	rm.clock.advance(time.Hour)
	alice.say("an hour in")
	as.close()
	rm.waitStreams(t, "alice", 0)

	rm.clock.advance(time.Minute - time.Second)
	alice.say("tab closed a moment ago") // a reload would be back in time
	rm.clock.advance(time.Second)
	if code, body := alice.post("/send", url.Values{"text": {"too late"}}); code != 403 {
		t.Errorf("send after the session expired: %d %s", code, body)
	}
	joined(t, rm, "alice") // the name is free
}

// TestSessionsBounded fills the room: past MaxSessions, joining is
// refused until a session ends.
func TestSessionsBounded(t *testing.T) {
	rm := start(t, config{MaxSessions: 3, SessionIdle: time.Minute})
	a := joined(t, rm, "a")
	b := joined(t, rm, "b")
	joined(t, rm, "c")
	bs := b.subscribe("")
	if code, body := newBrowser(t, rm).post("/join", url.Values{"name": {"d"}}); code != 503 || !strings.Contains(body, "full") {
		t.Fatalf("fourth join: %d %q, want 503", code, body)
	}
	// Renaming does not take another place.
	a.join("a2")
	if code, _ := a.post("/leave", nil); code != 204 {
		t.Fatalf("leave: %d", code)
	}
	d := joined(t, rm, "d")
	if code, _ := newBrowser(t, rm).post("/join", url.Values{"name": {"e"}}); code != 503 {
		t.Fatalf("join in a full room: %d, want 503", code)
	}
	// c and d never opened a stream: after SessionIdle their places are
	// free, while b, with a stream open, stays.
	rm.clock.advance(time.Minute)
	joined(t, rm, "e")
	joined(t, rm, "f")
	if code, _ := d.post("/send", url.Values{"text": {"hi"}}); code != 403 {
		t.Errorf("expired session posted: %d", code)
	}
	b.say("still in")
	bs.wantPresence(t, "b") // its own, when it opened
	bs.wantPresence(t, "b") // everyone's, when the clock moved
	bs.wantMessage(t, "b", "still in")
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSessionEndpoint is what a reloaded page asks.
func TestSessionEndpoint(t *testing.T) {
	rm := start(t, config{})
	alice := joined(t, rm, "Alice Liddell")
	resp, body := alice.request("GET", "/session", "", "", nil)
	var got struct{ Name string }
	if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != 200 || got.Name != "Alice Liddell" {
		t.Errorf("GET /session: %s %s", resp.Status, body)
	}
}
