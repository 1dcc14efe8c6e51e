package peers

import (
	"errors"
	"io"

	"github.com/launchdarkly/eventsource"
)

// launchDarkly reads with LaunchDarkly's Decoder, which runs a goroutine
// that reads lines with bufio.Reader.ReadString and sends them over a
// channel; Decode assembles one event per call. The event's LastEventID
// (interface EventWithLastID) is the last event ID in effect; its Id is the
// id field of that event alone, which is not what EventSource reports, so
// it is not used. An empty Event (no event field) is mapped to "message".
//
// Decode returns io.EOF at the end of the stream and io.ErrUnexpectedEOF
// when the stream ends inside an unterminated event, whose fields it then
// discards, as the spec requires: both are a clean end here. Decoding stops
// only at an error, so the Decoder's goroutine always ends. It has no size
// limit.
var launchDarkly = Parser{
	Name:   "launchdarkly",
	Kind:   KindSSE,
	Module: "github.com/launchdarkly/eventsource",
	API:    "eventsource.NewDecoder, Decoder.Decode",
	Read: func(r io.Reader, sink Sink) error {
		d := eventsource.NewDecoder(r)
		for {
			ev, err := d.Decode()
			if err != nil {
				if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
					return nil
				}
				return err
			}
			var id string
			if l, ok := ev.(eventsource.EventWithLastID); ok {
				id = l.LastEventID()
			}
			sink.Event(typeOr(view(ev.Event())), view(id), view(ev.Data()))
		}
	},
}
