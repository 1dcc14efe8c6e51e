package sse

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// scanned is everything a Scanner reports about a whole stream.
type scanned struct {
	events   []Event // Type, ID and Data as the accessors return them at dispatch
	retry    time.Duration
	retryOK  bool
	lastID   string
	err      error
	comments []string
}

// scanAll reads r to the end with a fresh Scanner whose limit is max (0
// means the default). Each event is taken from the accessors when Next
// returns it, and Decode into a fresh Event must agree with them; a
// disagreement is reported as out.err.
func scanAll(r io.Reader, max int) scanned {
	s := NewScanner(r)
	if max > 0 {
		s.Buffer(nil, max)
	}
	var out scanned
	s.OnComment(func(c []byte) { out.comments = append(out.comments, string(c)) })
	for s.Next() {
		e := Event{Type: string(s.Type()), ID: string(s.ID()), Data: string(s.Data())}
		var d Event
		if err := s.Decode(&d); err != nil {
			out.err = fmt.Errorf("Decode: %w", err)
			return out
		}
		if d != e {
			out.err = fmt.Errorf("Decode gave %q, the accessors %q", d, e)
			return out
		}
		out.events = append(out.events, e)
	}
	out.err = s.Err()
	out.retry, out.retryOK = s.Retry()
	out.lastID = s.LastEventID()
	return out
}

// chunkReader returns data in the chunks that the offsets in cuts mark:
// no Read crosses a cut, and after the last cut the rest comes in one Read
// (or as much of it as fits).
type chunkReader struct {
	data  []byte
	cuts  []int // increasing offsets into data
	off   int
	reads int
}

// splitReader returns a reader giving data split at the offsets cuts.
func splitReader(data []byte, cuts ...int) *chunkReader {
	return &chunkReader{data: data, cuts: append([]int(nil), cuts...)}
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	for len(r.cuts) > 0 && r.cuts[0] <= r.off {
		r.cuts = r.cuts[1:]
	}
	end := len(r.data)
	if len(r.cuts) > 0 {
		end = min(r.cuts[0], end)
	}
	n := copy(p, r.data[r.off:end])
	r.off += n
	r.reads++
	return n, nil
}

// randomChunks returns a reader giving data in chunks of random sizes from 1
// to maxChunk, chosen by a generator seeded with seed.
func randomChunks(data []byte, seed uint64, maxChunk int) io.Reader {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var cuts []int
	for off := 0; off < len(data); {
		off += 1 + rng.IntN(maxChunk)
		cuts = append(cuts, off)
	}
	return &chunkReader{data: data, cuts: cuts}
}

// plainReader hides every method of the reader but Read.
type plainReader struct{ io.Reader }

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// neverEnding is an endless stream of one byte.
type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// emptyReader returns (0, nil) forever.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

// dataErrReader returns its chunks one per Read, the last one together
// with err in the same call.
type dataErrReader struct {
	chunks []string
	err    error
}

func (r *dataErrReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, r.err
	}
	n := copy(p, r.chunks[0])
	if n < len(r.chunks[0]) {
		r.chunks[0] = r.chunks[0][n:]
		return n, nil
	}
	r.chunks = r.chunks[1:]
	if len(r.chunks) == 0 {
		return n, r.err
	}
	return n, nil
}

// waitFor runs f in a goroutine and fails the test if it has not returned
// after a generous deadline: a guard against deadlock, not a timing
// assertion.
func waitFor(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not return: the Scanner is waiting for bytes it does not need", what)
	}
}
