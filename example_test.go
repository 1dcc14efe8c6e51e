package sse_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/fastsse/sse"
)

func ExampleScanner() {
	stream := "event: greeting\n" +
		"id: 1\n" +
		"data: hello\n" +
		"\n" +
		"data: two\n" +
		"data: lines\n" +
		"\n"
	s := sse.NewScanner(strings.NewReader(stream))
	for s.Next() {
		fmt.Printf("type=%s id=%s data=%q\n", s.Type(), s.ID(), s.Data())
	}
	if err := s.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// type=greeting id=1 data="hello"
	// type=message id=1 data="two\nlines"
}

// counter is an EventSetter that adds up the numbers events carry. It only
// parses the bytes it is given and keeps none of them, so decoding into it
// allocates nothing.
type counter struct {
	events, total int
}

func (c *counter) SetEvent(typ, id, data []byte) error {
	if string(typ) != "count" { // this comparison does not allocate
		return nil
	}
	n := 0
	for _, b := range data {
		if b < '0' || b > '9' {
			return fmt.Errorf("count event %s: not a number", id)
		}
		n = n*10 + int(b-'0')
	}
	c.events++
	c.total += n
	return nil
}

func ExampleScanner_Decode() {
	stream := "event: count\ndata: 20\n\n" +
		"event: other\ndata: ignored\n\n" +
		"event: count\ndata: 22\n\n"
	s := sse.NewScanner(strings.NewReader(stream))
	var c counter
	for s.Next() {
		if err := s.Decode(&c); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(c.events, "events, total", c.total)
	// Output: 2 events, total 42
}

func ExampleScanner_DecodeJSON() {
	stream := `data: {"user":"ada","text":"hi"}` + "\n\n" +
		`data: {"user":"bob","text":"hello, ada"}` + "\n\n"
	s := sse.NewScanner(strings.NewReader(stream))
	for s.Next() {
		var msg struct {
			User string `json:"user"`
			Text string `json:"text"`
		}
		if err := s.DecodeJSON(&msg); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s\n", msg.User, msg.Text)
	}
	// Output:
	// ada: hi
	// bob: hello, ada
}

func ExampleRead() {
	// In a client, the reader is an HTTP response body.
	body := strings.NewReader("id: 1\ndata: first\n\n: keep-alive\n\ndata: second\n\n")
	for ev, err := range sse.Read(body) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s (last event ID %q)\n", ev.Data, ev.ID)
	}
	// Output:
	// first (last event ID "1")
	// second (last event ID "1")
}

func ExampleScanner_Views() {
	stream := "event: price\ndata: 101\n\n" +
		"event: volume\ndata: 7\n\n" +
		"event: price\ndata: 103\n\n"
	s := sse.NewScanner(strings.NewReader(stream))
	prices := 0
	for v, err := range s.Views() {
		if err != nil {
			log.Fatal(err)
		}
		// v's slices are only valid in this iteration: compare and parse
		// them here, copy what must outlive it.
		if string(v.Type) == "price" {
			prices++
			fmt.Printf("price %s\n", v.Data)
		}
	}
	fmt.Println(prices, "prices")
	// Output:
	// price 101
	// price 103
	// 2 prices
}

func ExampleScanner_OnComment() {
	stream := ": connected\n\n" +
		"data: tick\n\n" +
		":keep-alive\n\n"
	s := sse.NewScanner(strings.NewReader(stream))
	s.OnComment(func(comment []byte) {
		fmt.Printf("comment %q\n", comment)
	})
	for s.Next() {
		fmt.Printf("event %q\n", s.Data())
	}
	// Output:
	// comment "connected"
	// event "tick"
	// comment "keep-alive"
}

func ExampleOpenRecording() {
	// testdata/chat.sse is a recorded chat-completion stream: JSON chunks
	// whose deltas make up the reply, a "usage" event, then [DONE].
	rec, err := sse.OpenRecording("testdata/chat.sse")
	if err != nil {
		log.Fatal(err)
	}
	defer rec.Close()

	var reply strings.Builder
	s := rec.Scanner()
	for s.Next() {
		switch {
		case string(s.Data()) == "[DONE]":
			fmt.Println("done after event", s.LastEventID())
		case string(s.Type()) == "usage":
			var usage struct {
				Total int `json:"total_tokens"`
			}
			if err := s.DecodeJSON(&usage); err != nil {
				log.Fatal(err)
			}
			fmt.Println("tokens:", usage.Total)
		default:
			var chunk struct {
				Choices []struct {
					Delta struct {
						Content string `json:"content"`
					} `json:"delta"`
				} `json:"choices"`
			}
			if err := s.DecodeJSON(&chunk); err != nil {
				log.Fatal(err)
			}
			for _, c := range chunk.Choices {
				reply.WriteString(c.Delta.Content)
			}
		}
	}
	if err := s.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(reply.String())
	// Output:
	// tokens: 27
	// done after event 17
	// Server-Sent Events stream "text/event-stream" over one HTTP response — no polling.
}

func ExampleScanner_Buffer() {
	stream := "data: short\n\n" +
		"data: " + strings.Repeat("x", 100) + "\n\n"
	s := sse.NewScanner(strings.NewReader(stream))
	s.Buffer(nil, 64) // lines and event data of at most 64 bytes
	for s.Next() {
		fmt.Printf("%s\n", s.Data())
	}
	if err := s.Err(); errors.Is(err, sse.ErrTooLong) {
		fmt.Println("stopped:", err)
	}
	// Output:
	// short
	// stopped: sse: line exceeds 64 bytes: sse: line or event too long
}
