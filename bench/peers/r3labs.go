package peers

import (
	"io"
	"net/http"

	r3sse "github.com/r3labs/sse/v2"
	"gopkg.in/cenkalti/backoff.v1"
)

// r3labs reads with r3labs/sse's Client. The library parses fields only in
// an unexported method of Client (processEvent); its one exported reading
// type, EventStreamReader, only splits the stream into raw event blocks.
// So the stream is read through the public path its users take,
// Client.SubscribeRaw, with an http.Client whose RoundTripper answers every
// request in memory with the stream as the response body: no network, no
// server, but the request building, the reading goroutine and the channel
// hand-off of each event are its own and are timed. A new Client reads
// each stream, so no last event ID carries over from the previous pass.
//
// Its Event holds the event's id field, or, when the event has none, the
// last non-empty id seen (Client.LastEventID): the last event ID in effect,
// except that an empty id field does not reset it. An empty Event field is
// mapped to "message". StopBackOff makes an error end the subscription
// instead of reconnecting, and ClientMaxBufferSize raises its 64 KiB limit
// to MaxSize.
var r3labs = Parser{
	Name:   "r3labs",
	Kind:   KindSSE,
	Module: "github.com/r3labs/sse/v2",
	API:    "sse.NewClient, Client.SubscribeRaw over an in-memory http.RoundTripper",
	Read: func(r io.Reader, sink Sink) error {
		c := r3sse.NewClient("http://peers.invalid/events", r3sse.ClientMaxBufferSize(MaxSize))
		c.Connection = &http.Client{Transport: bodyTransport{r}}
		c.ReconnectStrategy = &backoff.StopBackOff{}
		return c.SubscribeRaw(func(e *r3sse.Event) {
			sink.Event(typeOr(e.Event), e.ID, e.Data)
		})
	},
}

// bodyTransport answers any request with a 200 text/event-stream response
// whose body is r.
type bodyTransport struct {
	r io.Reader
}

// RoundTrip implements http.RoundTripper.
func (t bodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		Status:     "200 OK",
		StatusCode: http.StatusOK,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     http.Header{"Content-Type": {"text/event-stream"}},
		Body:       io.NopCloser(t.r),
		Request:    req,
	}, nil
}
