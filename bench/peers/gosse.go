package peers

import (
	"io"

	gosse "github.com/tmaxmax/go-sse"
)

// goSSE reads with go-sse's Read, its API for reading a stream that is not
// a reconnecting Connection. Its Event carries LastEventID, which is the
// last event ID in effect ("the last non-empty ID of all the events
// received", and in practice also reset by an empty id field), and a Type
// that is empty when the event set none, which is mapped to "message".
// MaxEventSize raises its 64 KiB default limit to MaxSize.
var goSSE = Parser{
	Name:   "go-sse",
	Kind:   KindSSE,
	Module: "github.com/tmaxmax/go-sse",
	API:    "sse.Read(r, &sse.ReadConfig{MaxEventSize})",
	Read: func(r io.Reader, sink Sink) error {
		for e, err := range gosse.Read(r, &gosse.ReadConfig{MaxEventSize: MaxSize}) {
			if err != nil {
				return err
			}
			sink.Event(typeOr(view(e.Type)), view(e.LastEventID), view(e.Data))
		}
		return nil
	},
}
