package sse_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/fastsse/sse"
)

// A Client reconnects as a browser's EventSource does: here the server
// ends every response after one event, and the Client comes back with the
// last event ID, from which the server resumes.
//
// A server that ends every response at once is what the Client's storm
// protection is for: by default it would wait at least half a second
// (WithMinDelay), longer after each short connection (WithHealthyAfter,
// WithBackoff). The example lowers the floor and turns the growth off so
// that it runs fast; a real client keeps the defaults.
func ExampleDialURL() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next := 1
		if id := r.Header.Get("Last-Event-ID"); id != "" {
			fmt.Sscan(id, &next)
			next++
		}
		if next > 3 {
			w.WriteHeader(http.StatusNoContent) // the end, for good
			return
		}
		sw, err := sse.NewStream(w)
		if err != nil {
			return
		}
		sw.Retry(time.Millisecond) // reconnect quickly, for the example
		sw.Send(sse.Event{ID: fmt.Sprint(next), Data: fmt.Sprint("tick ", next)})
	}))
	defer srv.Close()

	c, err := sse.DialURL(context.Background(), srv.URL,
		sse.WithMinDelay(time.Millisecond), sse.WithBackoff(0))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for c.Next() {
		fmt.Printf("%s (id %s)\n", c.Data(), c.ID())
	}
	if err := c.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// tick 1 (id 1)
	// tick 2 (id 2)
	// tick 3 (id 3)
}

// The streaming APIs of language models answer a POST with one stream. A
// request that is not a GET is one-shot: the end of its stream is the end of
// the Client, which never sends the POST again (WithReconnect would allow
// it). Events ranges over the stream.
func ExampleDial() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, err := sse.NewStream(w)
		if err != nil {
			return
		}
		for _, tok := range []string{`{"text":"Hel"}`, `{"text":"lo"}`, `[DONE]`} {
			sw.Send(sse.Event{Data: tok})
		}
	}))
	defer srv.Close()

	req, err := http.NewRequest("POST", srv.URL, strings.NewReader(`{"prompt":"hi"}`))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	c, err := sse.Dial(req)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for ev, err := range c.Events() {
		if err != nil {
			log.Fatal(err)
		}
		if ev.Data == "[DONE]" {
			break
		}
		fmt.Println(ev.Data)
	}
	// Output:
	// {"text":"Hel"}
	// {"text":"lo"}
}

// Reconnect drops the connection and reconnects with Last-Event-ID, as
// after a network error; here after the first event.
func ExampleClient_Reconnect() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, err := sse.NewStream(w)
		if err != nil {
			return
		}
		switch r.Header.Get("Last-Event-ID") {
		case "":
			sw.Send(sse.Event{ID: "1", Data: "first"})
		default:
			sw.Send(sse.Event{ID: "2", Data: "resumed after " + r.Header.Get("Last-Event-ID")})
		}
		<-r.Context().Done()
	}))
	defer srv.Close()

	c, err := sse.DialURL(context.Background(), srv.URL, sse.WithRetry(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for c.Next() {
		fmt.Println(string(c.Data()))
		if c.LastEventID() == "2" {
			break
		}
		c.Reconnect() // say, because the configuration changed
	}
	// Output:
	// first
	// resumed after 1
}

// On a redirect to another origin, the Client drops the headers the caller
// set, credentials first; WithRedirectHeaders keeps those it names.
func ExampleWithRedirectHeaders() {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("other origin: X-Api-Key %q, Authorization %q\n",
			r.Header.Get("X-Api-Key"), r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer other.Close()
	origin := httptest.NewServer(http.RedirectHandler(other.URL, http.StatusTemporaryRedirect))
	defer origin.Close()

	req, err := http.NewRequest("GET", origin.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer secret")
	req.Header.Set("X-Api-Key", "key-for-both")
	c, err := sse.Dial(req, sse.WithRedirectHeaders("X-Api-Key"))
	if err != nil {
		log.Fatal(err)
	}
	c.Close()
	// Output:
	// other origin: X-Api-Key "key-for-both", Authorization ""
}
