package sse

import (
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// scanned is everything a Scanner reports about a whole stream.
type scanned struct {
	events   []Event
	retry    time.Duration
	retryOK  bool
	lastID   string
	err      error
	comments []string
}

// scanAll reads r to the end with a fresh Scanner whose limit is max (0
// means the default).
func scanAll(r io.Reader, max int) scanned {
	s := NewScanner(r)
	if max > 0 {
		s.Buffer(nil, max)
	}
	var out scanned
	s.OnComment(func(c []byte) { out.comments = append(out.comments, string(c)) })
	for s.Next() {
		var e Event
		if err := s.Decode(&e); err != nil {
			out.err = err
			return out
		}
		out.events = append(out.events, e)
	}
	out.err = s.Err()
	out.retry, out.retryOK = s.Retry()
	out.lastID = s.LastEventID()
	return out
}

// chunkReader returns its input in the chunks given by split offsets; after
// the last offset, the rest in one Read.
type chunkReader struct {
	data  []byte
	cuts  []int // increasing offsets into data
	off   int
	reads int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	end := len(r.data)
	for len(r.cuts) > 0 && r.cuts[0] <= r.off {
		r.cuts = r.cuts[1:]
	}
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
