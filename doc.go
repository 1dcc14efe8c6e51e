// Package sse reads and writes server-sent events: the text/event-stream
// format of the WHATWG HTML standard, section 9.2, that browsers read with
// EventSource and that many HTTP APIs (LLM chat completions, change feeds,
// dashboards, notifications) stream their results in.
//
// # Reading
//
// A [Scanner] reads events from any [io.Reader] (a response body, a recorded
// file, standard input) exactly as a browser's EventSource does, in the
// style of [bufio.Scanner]:
//
//	s := sse.NewScanner(resp.Body)
//	for s.Next() {
//		fmt.Printf("%s %s\n", s.Type(), s.Data())
//	}
//	if err := s.Err(); err != nil {
//		return err
//	}
//
// [Scanner.Type], [Scanner.ID] and [Scanner.Data] are views into the
// Scanner's buffer, valid until the next call to [Scanner.Next]; reading
// allocates nothing per event. [Scanner.Decode] hands an event to any
// [EventSetter], and [Scanner.DecodeJSON] unmarshals its data. [Read],
// [Scanner.Events] and [Scanner.Views] are range-over-func iterators.
// Lines and events are limited in size ([DefaultMaxSize], changed with
// [Scanner.Buffer]); a stream past the limit ends with an error wrapping
// [ErrTooLong]. [OpenRecording] maps a recorded stream into memory.
//
// # Connecting
//
// [DialURL] and [Dial] connect over HTTP and return a [Client] that
// reconnects the way EventSource does: it sends Last-Event-ID, honours the
// server's retry field, and backs off after failures. A status other than
// 200 or 204, or a response that is not text/event-stream, is a
// [*ResponseError] and is not retried. Every wait between attempts is at
// least [DefaultMinDelay], and a connection that ends soon after it opened
// counts as a failed attempt, so a misbehaving server cannot make the Client
// hammer it. A request that is not a GET is sent once unless
// [WithReconnect]; a redirect to another origin drops the headers the caller
// set (see [Dial]); [Client.Reconnect] forces a reconnection. A [Mux]
// dispatches events to a handler per type, for a Scanner or a Client.
//
// # Writing
//
// A [Writer] writes comments, fields and whole events so that a reader gets
// back exactly what was written: data with line breaks becomes several data
// lines, and anything that would inject a field or not read back (a line
// break in an event type or id, NUL in an id, invalid UTF-8, a retry value
// out of range) is refused with an error wrapping [ErrInvalidField].
// [NewStream] sets up an [net/http.ResponseWriter] for streaming and flushes
// after each event.
//
// The server side, which broadcasts to many subscribers with replay and
// heartbeats, is package [github.com/fastsse/sse/hub].
package sse
