package peers

import (
	"unsafe"

	"github.com/fastsse/sse/internal/corpus"
)

// Sink receives each event a parser dispatches: its type ("message" when no
// event field applied), the last event ID in effect when it was dispatched,
// and its data. The slices are valid only during the call and must not be
// modified.
type Sink interface {
	Event(typ, id, data []byte)
}

// Counter is the Sink the benchmarks use: it counts events and data bytes,
// which touches every event at the same small cost for every parser.
type Counter struct {
	Events, Bytes int
}

// Event implements Sink.
func (c *Counter) Event(_, _, data []byte) {
	c.Events++
	c.Bytes += len(data)
}

// Recorder is a Sink that tallies the events into a corpus.Truth and, when
// Keep is set, keeps copies of them for diagnosing a difference.
type Recorder struct {
	Keep   bool
	Tally  corpus.Tally
	Events []Event
}

// Event is one dispatched event as plain strings.
type Event struct {
	Type, ID, Data string
}

// Event implements Sink.
func (r *Recorder) Event(typ, id, data []byte) {
	r.Tally.Add(typ, id, data)
	if r.Keep {
		r.Events = append(r.Events, Event{string(typ), string(id), string(data)})
	}
}

// messageType is what EventSource reports as the type of an event that set
// none.
var messageType = []byte("message")

// typeOr maps an empty event type, which some peers report for events that
// set none, to "message", as EventSource and fastsse report it. The spec
// makes the two the same: an empty "event" field also yields "message".
func typeOr(typ []byte) []byte {
	if len(typ) == 0 {
		return messageType
	}
	return typ
}

// view returns the bytes of s without copying, for handing a peer's string
// to a Sink, which neither keeps nor modifies them.
func view(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
