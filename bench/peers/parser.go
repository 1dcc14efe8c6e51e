package peers

import "io"

// MaxSize is the limit on the size of a line or event given to every
// parser that has one: 8 MiB, room for the 4 MiB line of the hugeline
// corpus. Each library's default is lower (64 KiB for go-sse, r3labs and
// bufio.Scanner, 1 MiB for fastsse); raising it is the documented way to
// read long lines with each, so every parser gets the same chance.
const MaxSize = 8 << 20

// Kind says what a parser is.
type Kind string

// The kinds of parser.
const (
	// KindSSE is an event-stream parser: it dispatches events, which are
	// verified against the corpus's ground truth.
	KindSSE Kind = "sse"
	// KindBaseline is a lower bound that does less than parsing (splitting
	// lines, finding line ends, copying bytes); it dispatches no events and
	// is verified by what it counts instead.
	KindBaseline Kind = "baseline"
)

// Parser is one way of reading an event stream.
type Parser struct {
	// Name is how the parser appears in benchmark names and tables.
	Name string
	// Kind says whether Read or Count applies.
	Kind Kind
	// Module is the Go module the parser comes from, or "std".
	Module string
	// API names the entry point used.
	API string
	// Read reads the whole stream from r, handing each event to sink, and
	// returns the error that stopped it, nil at a clean end of stream. Set
	// for KindSSE.
	Read func(r io.Reader, sink Sink) error
	// Count reads the whole stream from r and returns what it counted
	// (lines or bytes), which Want predicts from the stream's bytes. Set
	// for KindBaseline.
	Count func(r io.Reader) (int, error)
	// Want returns the count Count should return for the stream b.
	Want func(b []byte) int
}

// Parsers lists every parser compared, fastsse first, then the peers, then
// the baselines.
var Parsers = []Parser{
	fastsse,
	goSSE,
	launchDarkly,
	r3labs,
	bufioLines,
	indexByteLoop,
	ioCopy,
}
