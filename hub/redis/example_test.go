package redis_test

import (
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/fastsse/sse"
	"github.com/fastsse/sse/hub"
	"github.com/fastsse/sse/hub/redis"
)

// Each instance of a server gives its Hub a Log on the same Redis and
// name; clients may connect, and reconnect, to any of them.
func Example() {
	l, err := redis.New("redis://127.0.0.1:6379",
		redis.WithName("chat"),
		redis.WithWindow(hub.WindowLimits{Entries: 1000, Resumable: 1000}),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	h := hub.New(hub.WithLog(l), hub.WithAutoIDs())
	defer h.Close()
	http.Handle("/events", h)
	http.HandleFunc("POST /send", func(w http.ResponseWriter, r *http.Request) {
		id, err := h.Publish(sse.Event{Type: "message", Data: r.FormValue("text")})
		if err != nil {
			// redis.ErrUnavailable: not stored, never delivered.
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, id) // "<epoch>-<offset>", the same on every instance
	})
	http.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := l.Healthy(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
		}
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}

// Publish returns only once a replica has the event too, so that it
// survives a failover.
func ExampleWithWait() {
	l, err := redis.New("redis://127.0.0.1:6379", redis.WithWait(1, time.Second))
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	_ = hub.New(hub.WithLog(l), hub.WithAutoIDs())
}
