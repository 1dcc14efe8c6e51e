package sse_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/fastsse/sse"
)

// A Mux calls a handler per event type, as addEventListener does in a
// browser; HandleOther takes the rest. Here it serves a Scanner.
func ExampleMux() {
	stream := "event: join\ndata: ada\n\n" +
		"data: hello\n\n" +
		"event: join\ndata: grace\n\n" +
		"event: typing\ndata: ada\n\n"

	var m sse.Mux
	m.Handle("join", func(v sse.View) { fmt.Printf("%s joined\n", v.Data) })
	m.Handle("message", func(v sse.View) { fmt.Printf("message: %s\n", v.Data) })
	m.HandleOther(func(v sse.View) { fmt.Printf("(ignored a %s event)\n", v.Type) })
	if err := m.Serve(sse.NewScanner(strings.NewReader(stream))); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ada joined
	// message: hello
	// grace joined
	// (ignored a typing event)
}

// A Mux serves a Client the same way, across reconnections; a handler may
// close the Client to stop.
func ExampleMux_client() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, err := sse.NewStream(w)
		if err != nil {
			return
		}
		sw.Send(sse.Event{Type: "price", Data: "101.5"})
		sw.Send(sse.Event{Type: "price", Data: "101.7"})
		sw.Send(sse.Event{Type: "closing", Data: "bye"})
		<-r.Context().Done()
	}))
	defer srv.Close()

	c, err := sse.DialURL(context.Background(), srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	var m sse.Mux
	m.Handle("price", func(v sse.View) { fmt.Printf("price %s\n", v.Data) })
	m.Handle("closing", func(sse.View) { c.Close() })
	if err := m.Serve(c); err != nil {
		log.Fatal(err)
	}
	// Output:
	// price 101.5
	// price 101.7
}

// ViewsOfType keeps the events of some types only, without allocating.
func ExampleViewsOfType() {
	stream := "event: add\ndata: 3\n\nevent: ping\ndata: -\n\nevent: remove\ndata: 1\n\nevent: add\ndata: 4\n\n"
	s := sse.NewScanner(strings.NewReader(stream))
	for v, err := range sse.ViewsOfType(s.Views(), "add", "remove") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %s\n", v.Type, v.Data)
	}
	// Output:
	// add 3
	// remove 1
	// add 4
}

// EventsOfType filters Events, here those of Read.
func ExampleEventsOfType() {
	stream := "data: default type\n\nevent: completion\ndata: {\"text\":\"hi\"}\n\n"
	for ev, err := range sse.EventsOfType(sse.Read(strings.NewReader(stream)), "completion") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Data)
	}
	// Output:
	// {"text":"hi"}
}
