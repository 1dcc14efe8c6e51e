package peers

import (
	"io"

	"github.com/fastsse/sse"
)

// fastsse reads with sse.Scanner. Type, ID and Data are what the Scanner
// reports: the type ("message" by default), the last event ID in effect and
// the data, exactly the shape of the ground truth.
var fastsse = Parser{
	Name:   "fastsse",
	Kind:   KindSSE,
	Module: "github.com/fastsse/sse",
	API:    "sse.NewScanner, Scanner.Next",
	Read: func(r io.Reader, sink Sink) error {
		s := sse.NewScanner(r)
		s.Buffer(nil, MaxSize)
		for s.Next() {
			sink.Event(s.Type(), s.ID(), s.Data())
		}
		return s.Err()
	},
}
