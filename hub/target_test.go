package hub

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fastsse/sse"
)

// TestTargetingFailsClosed checks each rule of targeting an application's
// bug or an attacker could turn into a broadcast: an empty list of
// recipients reaches nobody, an anonymous subscriber is never addressed,
// an event for topics reaches only their subscribers.
func TestTargetingFailsClosed(t *testing.T) {
	h := New(WithSubscriberID(byHeader), WithTopics(func(r *http.Request) []string { return r.URL.Query()["topic"] }))
	url := serve(t, h)
	anon, ann, bob := subscribe(t, url), subscribe(t, url, "X-User", "ann"), subscribe(t, url+"?topic=news", "X-User", "bob")
	waitClients(t, h, 3)
	var none []string
	h.Publish(sse.Event{Data: "To()"}, To(none...))
	h.Publish(sse.Event{Data: `To("")`}, To(""))
	h.Publish(sse.Event{Data: `To("", ann)`}, To("", "ann"))
	h.Publish(sse.Event{Data: "Except()"}, Except(none...))
	h.Publish(sse.Event{Data: `Except("")`}, Except(""))
	h.Publish(sse.Event{Data: "Topics()"}, Topics(none...))
	h.Publish(sse.Event{Data: "news"}, Topics("news"))
	h.Publish(sse.Event{Data: "news to ann"}, Topics("news"), To("ann"))
	h.Publish(sse.Event{Data: "end"})
	for name, tc := range map[string]struct {
		c    *client
		want string
	}{
		"anonymous": {anon, "Except()"},
		"ann":       {ann, `To("", ann)|Except()|Except("")`},
		"bob":       {bob, `Except()|Except("")|news`},
	} {
		if got := strings.Join(tc.c.datas(t), "|"); got != tc.want {
			t.Errorf("%s got %q, want %q", name, got, tc.want)
		}
	}

	// Disconnect with no ids, or "", disconnects nobody.
	h.Disconnect(none...)
	h.Disconnect("")
	h.Publish(sse.Event{Data: "still here"})
	for _, c := range []*client{anon, ann, bob} {
		if e := c.next(t); e.Data != "still here" {
			t.Errorf("after Disconnect() and Disconnect(\"\"): %+v", e)
		}
	}
	if n := h.Clients(); n != 3 {
		t.Errorf("%d clients, want 3", n)
	}
}

// TestAdmission: the admission function refuses with a status and a
// message, or sets the subscriber's ID and topics, before anything is
// sent; an error that is not a Refusal is a 500 that does not leak it.
func TestAdmission(t *testing.T) {
	connects := make(chan Subscriber, 10)
	h := New(
		WithSubscriberID(func(*http.Request) string { return "from-id-func" }),
		WithAdmission(func(r *http.Request, s *Subscriber) error {
			if s.ID != "from-id-func" {
				return errors.New("WithSubscriberID not applied first")
			}
			switch r.Header.Get("Authorization") {
			case "":
				return Refuse(http.StatusUnauthorized, "who are you?")
			case "broken":
				return errors.New("database down: secret detail")
			case "teapot":
				return Refuse(http.StatusOK, "a refusal cannot be a 200")
			}
			s.ID = strings.TrimPrefix(r.Header.Get("Authorization"), "user ")
			s.Topics = []string{"private"}
			return nil
		}),
		WithOnConnect(func(s Subscriber) { connects <- s }),
	)
	url := serve(t, h)
	for _, tc := range []struct {
		auth   string
		status int
		body   string
	}{
		{"", 401, "who are you?\n"},
		{"broken", 500, "Internal Server Error\n"},
		{"teapot", 403, "a refusal cannot be a 200\n"},
	} {
		req, _ := http.NewRequest("GET", url, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != tc.status || string(b) != tc.body {
			t.Errorf("Authorization %q: %d %q (%v), want %d %q", tc.auth, resp.StatusCode, b, err, tc.status, tc.body)
		}
	}
	if n := len(connects); n != 0 || h.Clients() != 0 {
		t.Fatalf("refused requests became %d subscribers (%d connect hooks)", h.Clients(), n)
	}
	c := subscribe(t, url, "Authorization", "user ann")
	if s := <-connects; s.ID != "ann" || strings.Join(s.Topics, ",") != "private" {
		t.Errorf("admitted as %q with topics %q", s.ID, s.Topics)
	}
	h.Publish(sse.Event{Data: "public news"}, Topics("public"))
	h.Publish(sse.Event{Data: "for ann"}, To("ann"), Topics("private"))
	if e := c.next(t); e.Data != "for ann" {
		t.Errorf("got %+v", e)
	}
}

// TestLastEventIDBound: a Last-Event-ID longer than the limit is not kept:
// the client is reset, the hooks do not see it.
func TestLastEventIDBound(t *testing.T) {
	reconnects := make(chan Subscriber, 2)
	h := New(WithReplay(10, 0), WithAutoIDs(), WithMaxLastEventID(16),
		WithOnReconnect(func(s Subscriber, resumed bool) {
			if resumed {
				t.Errorf("resumed with Last-Event-ID %q", s.LastEventID)
			}
			reconnects <- s
		}))
	url := serve(t, h)
	id, _ := h.Publish(sse.Event{Data: "x"})
	long := id + strings.Repeat("y", 17)
	c := subscribe(t, url, "Last-Event-ID", long)
	if e := c.next(t); e.Type != ResetEvent || e.Data != "replay" || e.ID != id {
		t.Errorf("first event %+v, want a replay reset with id %q", e, id)
	}
	select {
	case s := <-reconnects:
		if s.LastEventID != "" || s.Request.Header.Get("Last-Event-ID") != "" {
			t.Errorf("the hook saw Last-Event-ID %q (header %q), want none kept", s.LastEventID, s.Request.Header.Get("Last-Event-ID"))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reconnect hook call")
	}
}

// TestToCostsOnlyItsRecipients: an event sent To one subscriber is not
// looked at for the others (the writers visit only those it addresses),
// and a broadcast after it still reaches everyone exactly once.
func TestToCostsOnlyItsRecipients(t *testing.T) {
	h := New(WithSubscriberID(byHeader))
	url := serve(t, h)
	ann := subscribe(t, url, "X-User", "ann")
	const others = 40
	var rest []*client
	for i := range others {
		rest = append(rest, subscribe(t, url, "X-User", fmt.Sprint("u", i)))
	}
	waitClients(t, h, others+1)
	h.Publish(sse.Event{Data: "hello"}) // every stream's head written, settled
	for _, c := range append(rest, ann) {
		c.next(t)
	}
	served := func() (n uint64) {
		for _, sh := range h.shards {
			n += sh.served.Load()
		}
		return n
	}
	before, start := served(), time.Now()
	const n = 200
	for i := range n {
		h.Publish(sse.Event{Data: fmt.Sprint(i)}, To("ann"))
		if e := ann.next(t); e.Data != fmt.Sprint(i) {
			t.Fatalf("ann got %+v", e)
		}
	}
	// Each targeted pass serves ann; a tick (at most 1s apart) serves
	// everyone once.
	ticks := uint64(2 + time.Since(start)/h.tick)
	if got, bound := served()-before, n*2+ticks*(others+1); got > bound {
		t.Errorf("%d subscribers served for %d events To one of %d, want at most %d", got, n, others+1, bound)
	}
	h.Publish(sse.Event{Data: "all"})
	for i, c := range append(rest, ann) {
		if e := c.next(t); e.Data != "all" {
			t.Errorf("subscriber %d got %+v after the targeted events, want the broadcast", i, e)
		}
	}
}
