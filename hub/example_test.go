package hub_test

import (
	"fmt"
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
