package hub_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"

	"github.com/fastsse/sse"
	"github.com/fastsse/sse/hub"
)

// A Hub serves a stream to every request; what is published reaches every
// subscriber, or those a Target names.
func Example() {
	h := hub.New(
		hub.WithSubscriberID(func(r *http.Request) string { return r.URL.Query().Get("user") }),
		hub.WithReplay(100, 0),
		hub.WithAutoIDs(),
	)
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()

	resp, err := http.Get(srv.URL + "?user=bob")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	// The stream is registered before its headers are sent: from here on,
	// what is published reaches it.

	h.Publish(sse.Event{Type: "greeting", Data: "hello, everyone"})
	h.Publish(sse.Event{Data: "hello, alice"}, hub.To("alice"))
	h.PublishJSON("greeting", map[string]string{"to": "bob"}, hub.To("bob"))

	s := sse.NewScanner(resp.Body)
	for range 2 {
		s.Next()
		fmt.Printf("%s: %s\n", s.Type(), s.Data())
	}
	// Output:
	// greeting: hello, everyone
	// greeting: {"to":"bob"}
}

// A client that reconnects with the id of the last event it got is sent
// exactly the events it missed; one whose id is too old (or unknown) is
// sent a reset event instead, carrying the id to resume from next time.
func Example_replay() {
	h := hub.New(hub.WithReplay(3, 0), hub.WithAutoIDs())
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()

	var ids []string
	for _, d := range []string{"one", "two", "three", "four"} {
		id, _ := h.Publish(sse.Event{Data: d})
		ids = append(ids, id)
	}

	// read subscribes with Last-Event-ID and prints the first n events.
	read := func(lastID string, n int) {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("Last-Event-ID", lastID)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		for ev, err := range sse.Read(resp.Body) {
			if err != nil {
				break
			}
			fmt.Printf("  %s %s (resume from the newest: %v)\n", ev.Type, ev.Data, ev.ID == ids[3])
			if n--; n == 0 {
				break
			}
		}
	}
	fmt.Println("after two:")
	read(ids[1], 2)
	fmt.Println("after one, no longer kept (3 are):")
	read(ids[0], 1)
	// Output:
	// after two:
	//   message three (resume from the newest: false)
	//   message four (resume from the newest: true)
	// after one, no longer kept (3 are):
	//   reset replay (resume from the newest: true)
}

// Targets narrow who gets an event, and fail closed: To with no ids
// reaches nobody, an anonymous subscriber is never addressed, and an event
// with topics reaches only their subscribers (and those that asked for
// every topic with AllTopics).
func Example_targets() {
	h := hub.New(
		hub.WithSubscriberID(func(r *http.Request) string { return r.URL.Query().Get("user") }),
		hub.WithTopics(func(r *http.Request) []string {
			if r.URL.Query().Get("user") == "admin" {
				return hub.AllTopics(r)
			}
			return r.URL.Query()["topic"]
		}),
	)
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()

	var streams []*http.Response
	for _, q := range []string{"user=ann&topic=sport", "user=bob", "", "user=admin"} {
		resp, err := http.Get(srv.URL + "?" + q)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		streams = append(streams, resp)
	}

	var nobody []string
	h.Publish(sse.Event{Data: "for everyone"})
	h.Publish(sse.Event{Data: "for ann"}, hub.To("ann"))
	h.Publish(sse.Event{Data: "for no one"}, hub.To(nobody...))
	h.Publish(sse.Event{Data: "not for bob"}, hub.Except("bob"))
	h.Publish(sse.Event{Data: "sport news"}, hub.Topics("sport"))
	h.Publish(sse.Event{Data: "end"})

	for i, name := range []string{"ann", "bob", "anonymous", "admin"} {
		fmt.Printf("%s:", name)
		for ev, err := range sse.Read(streams[i].Body) {
			if err != nil || ev.Data == "end" {
				break
			}
			fmt.Printf(" %q", ev.Data)
		}
		fmt.Println()
	}
	// Output:
	// ann: "for everyone" "for ann" "not for bob" "sport news"
	// bob: "for everyone"
	// anonymous: "for everyone" "not for bob"
	// admin: "for everyone" "not for bob" "sport news"
}

// CloseOnShutdown makes http.Server.Shutdown end the Hub's streams, which
// it would otherwise wait for (or, taken over, never see); their clients
// reconnect to the next server.
func ExampleHub_CloseOnShutdown() {
	h := hub.New()
	srv := &http.Server{Handler: h}
	h.CloseOnShutdown(srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	go srv.Serve(ln)

	resp, err := http.Get("http://" + ln.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	h.Publish(sse.Event{Data: "before the shutdown"})

	events := sse.Read(resp.Body)
	for ev := range events {
		fmt.Println(ev.Data)
		break
	}
	// Shutdown closes the listener and idle connections, and the Hub,
	// which ends the streams; h.Shutdown waits for them to finish.
	srv.Shutdown(context.Background())
	h.Shutdown(context.Background())
	for _, err := range events {
		fmt.Println("more:", err)
	}
	fmt.Println("stream ended")
	// Output:
	// before the shutdown
	// stream ended
}

// The admission function authenticates a request before anything is
// sent: it refuses it with a status, or says who the subscriber is and
// what it may receive.
func ExampleWithAdmission() {
	h := hub.New(hub.WithAdmission(func(r *http.Request, s *hub.Subscriber) error {
		user, ok := map[string]string{"secret-ann": "ann"}[r.Header.Get("Authorization")]
		if !ok {
			return hub.Refuse(http.StatusUnauthorized, "unknown token")
		}
		s.ID = user
		s.Topics = []string{"team"}
		return nil
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()

	for _, token := range []string{"guess", "secret-ann"} {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("Authorization", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(token, resp.Status)
		resp.Body.Close()
	}
	// Output:
	// guess 401 Unauthorized
	// secret-ann 200 OK
}
