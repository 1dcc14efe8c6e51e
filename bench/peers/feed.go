package peers

import (
	"io"

	"github.com/fastsse/sse/internal/corpus"
)

// HugeLineChunk is the most the hugeline corpus's reader returns per Read:
// its 4 MiB line arrives in 4 KiB pieces, as from a network connection, so
// a parser that searches the whole buffered line again after each read
// shows it.
const HugeLineChunk = 4 << 10

// Feed is a plain io.Reader over a corpus: it has no WriteTo or other
// shortcut a parser could take, and gives at most Chunk bytes per Read when
// Chunk is positive. Reset rewinds it, so one Feed, boxed in an io.Reader
// once, serves every pass of a benchmark without allocating.
type Feed struct {
	data  []byte
	off   int
	chunk int
}

// NewFeed returns a Feed over the corpus c: the hugeline corpus in
// HugeLineChunk reads, the others whole (each Read fills what it is given).
func NewFeed(c *corpus.Corpus) *Feed {
	f := &Feed{data: c.Bytes}
	if c.Name == "hugeline" {
		f.chunk = HugeLineChunk
	}
	return f
}

// Read implements io.Reader.
func (f *Feed) Read(p []byte) (int, error) {
	if f.off == len(f.data) {
		return 0, io.EOF
	}
	if f.chunk > 0 && len(p) > f.chunk {
		p = p[:f.chunk]
	}
	n := copy(p, f.data[f.off:])
	f.off += n
	return n, nil
}

// Reset rewinds f to the start of its corpus.
func (f *Feed) Reset() { f.off = 0 }
