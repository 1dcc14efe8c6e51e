package sse

import (
	"bytes"
	"time"
)

// Field names the event stream format defines (WHATWG HTML §9.2.6). Any other
// field name is ignored by a reader.
const (
	FieldData  = "data"
	FieldEvent = "event"
	FieldID    = "id"
	FieldRetry = "retry"
)

// DefaultType is the type of an event whose block set no non-empty "event"
// field, as EventSource reports it.
const DefaultType = "message"

var defaultType = []byte(DefaultType)

// Event is one server-sent event as plain strings: convenient to keep, compare
// and pass around. Reading into an Event copies; for the allocation-free path
// use the Scanner's accessors or a custom EventSetter.
//
// When read from a stream, Type is never empty (it is [DefaultType] when no
// "event" field applied), ID is the last event ID in effect when the event was
// dispatched (ids persist from event to event until the server changes them)
// and Retry is zero. When written, empty Type, ID and zero Retry are left out.
type Event struct {
	Type  string
	ID    string
	Data  string
	Retry time.Duration
}

// SetEvent implements [EventSetter]. It reuses the current Type and ID strings
// when they are unchanged, so decoding a stream of same-typed events with a
// stable id allocates only for the data.
func (e *Event) SetEvent(typ, id, data []byte) error {
	if string(typ) != e.Type {
		if bytes.Equal(typ, defaultType) {
			e.Type = DefaultType
		} else {
			e.Type = string(typ)
		}
	}
	if string(id) != e.ID {
		e.ID = string(id)
	}
	e.Data = string(data)
	e.Retry = 0
	return nil
}

// EventSetter is implemented by types that an event can be decoded into; see
// [Scanner.Decode].
//
// SetEvent receives the event's type, last event ID and data. Like the slice
// given to [io.Writer.Write], the slices are only valid during the call: an
// implementation must copy what it keeps and must not modify them. A
// destination that only parses the bytes (into numbers, say) therefore
// decodes without allocating. An error returned by SetEvent is returned by
// Decode.
type EventSetter interface {
	SetEvent(typ, id, data []byte) error
}

// splitField splits a non-empty, non-comment line into field name and value
// as the spec does: the name runs to the first colon, and one space after the
// colon is dropped. A line without a colon is a name with an empty value.
// value is always a subslice of line.
func splitField(line []byte) (name, value []byte) {
	// Fast path for the field that dominates streams: "data:" cannot hold an
	// earlier colon, so its colon is the first one.
	i := 4
	if len(line) < 5 || line[4] != ':' || string(line[:4]) != FieldData {
		if i = bytes.IndexByte(line, ':'); i < 0 {
			// An empty value, but one that still points to where the line
			// ends: the Scanner locates data values in its buffer.
			return line, line[len(line):]
		}
	}
	name, value = line[:i], line[i+1:]
	if len(value) > 0 && value[0] == ' ' {
		value = value[1:]
	}
	return name, value
}

// maxRetryMillis is the largest retry value, in milliseconds, that fits in a
// time.Duration; a reader ignores larger ones.
const maxRetryMillis = int64(1<<63-1) / int64(time.Millisecond)

// parseRetry interprets a retry field value: base-ten ASCII digits only, at
// least one. ok is false for anything else, and for values whose milliseconds
// do not fit in a time.Duration (these are ignored, never wrapped).
func parseRetry(value []byte) (d time.Duration, ok bool) {
	if len(value) == 0 {
		return 0, false
	}
	var ms int64
	for _, c := range value {
		if c < '0' || c > '9' {
			return 0, false
		}
		ms = ms*10 + int64(c-'0')
		if ms > maxRetryMillis {
			return 0, false
		}
	}
	return time.Duration(ms) * time.Millisecond, true
}
