package sse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/fastsse/sse/internal/corpus"
)

// The reading benchmarks read each corpus of internal/corpus through a plain
// io.Reader (no WriterTo shortcut), and the baseline splits the same bytes
// into lines with bufio.Scanner: the target is at least half its speed.
//
//	go test -run '^$' -bench 'Scanner|BufioLines|HugeLine' -benchmem

// verify checks once that the Scanner dispatches the corpus's ground truth.
func verify(b *testing.B, c *corpus.Corpus, s *Scanner) {
	b.Helper()
	var ta corpus.Tally
	for s.Next() {
		ta.Add(s.Type(), s.ID(), s.Data())
	}
	if s.Err() != nil || ta.Truth() != c.Truth {
		b.Fatalf("%s: Scanner read %+v (err %v), truth %+v", c.Name, ta.Truth(), s.Err(), c.Truth)
	}
}

func newBenchScanner(r io.Reader, c *corpus.Corpus) *Scanner {
	s := NewScanner(r)
	if c.Name == "hugeline" {
		s.Buffer(nil, 2*corpus.HugeLineSize)
	}
	return s
}

// BenchmarkScanner measures the steady state: one Scanner, warmed up by the
// verifying pass, reads the corpus again after each Reset, which keeps its
// buffers.
func BenchmarkScanner(b *testing.B) {
	for _, c := range corpus.All() {
		b.Run(c.Name, func(b *testing.B) {
			r := bytes.NewReader(c.Bytes)
			var pr io.Reader = plainReader{r} // boxed once, not per iteration
			s := newBenchScanner(pr, c)
			verify(b, c, s)
			b.SetBytes(int64(len(c.Bytes)))
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for range b.N {
				r.Reset(c.Bytes)
				s.Reset(pr)
				for s.Next() {
					n += len(s.Data())
				}
			}
			reportEvents(b, c)
			if n != b.N*c.Truth.Bytes {
				b.Fatalf("read %d data bytes, want %d", n, b.N*c.Truth.Bytes)
			}
		})
	}
}

// BenchmarkScannerFresh is BenchmarkScanner with a new Scanner for each
// pass over the corpus, as a program reading one stream sees it: the
// difference is the cost of allocating and growing the buffers.
func BenchmarkScannerFresh(b *testing.B) {
	for _, c := range corpus.All() {
		b.Run(c.Name, func(b *testing.B) {
			verify(b, c, newBenchScanner(plainReader{bytes.NewReader(c.Bytes)}, c))
			r := bytes.NewReader(c.Bytes)
			var pr io.Reader = plainReader{r}
			b.SetBytes(int64(len(c.Bytes)))
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for range b.N {
				r.Reset(c.Bytes)
				s := newBenchScanner(pr, c)
				for s.Next() {
					n += len(s.Data())
				}
			}
			reportEvents(b, c)
			if n != b.N*c.Truth.Bytes {
				b.Fatalf("read %d data bytes, want %d", n, b.N*c.Truth.Bytes)
			}
		})
	}
}

// reportEvents adds the events per pass over the corpus and the time per
// event to the benchmark's results.
func reportEvents(b *testing.B, c *corpus.Corpus) {
	b.ReportMetric(float64(c.Truth.Events), "events/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.Truth.Events), "ns/event")
}

// BenchmarkBufioLines is the baseline: bufio.Scanner splitting the same
// bytes into lines, touching each line. It starts with the buffer size a
// Scanner starts with.
func BenchmarkBufioLines(b *testing.B) {
	for _, c := range corpus.All() {
		b.Run(c.Name, func(b *testing.B) {
			b.SetBytes(int64(len(c.Bytes)))
			b.ReportAllocs()
			buf := make([]byte, initialBufSize)
			if c.Name == "hugeline" {
				// Room for the whole line from the start, as the Scanner
				// has after its first pass: steady state on both sides.
				buf = make([]byte, 2*corpus.HugeLineSize)
			}
			n := 0
			for range b.N {
				s := bufio.NewScanner(plainReader{bytes.NewReader(c.Bytes)})
				s.Buffer(buf, 2*corpus.HugeLineSize)
				for s.Scan() {
					n += len(s.Bytes())
				}
				if s.Err() != nil {
					b.Fatal(s.Err())
				}
			}
			_ = n
		})
	}
}

// chunked gives at most size bytes per Read.
type chunked struct {
	data []byte
	size int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.size)], c.data)
	c.data = c.data[n:]
	return n, nil
}

// BenchmarkHugeLine reads one 4 MiB data line from a reader that gives it
// whole and from one that gives 4 KiB per Read: the line search resumes
// where it stopped, so the chunked read should cost about the same.
func BenchmarkHugeLine(b *testing.B) {
	c := corpus.Get("hugeline")
	for _, size := range []int{len(c.Bytes), 4 << 10} {
		name := "whole"
		if size < len(c.Bytes) {
			name = fmt.Sprintf("%dKiB", size>>10)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(c.Bytes)))
			b.ReportAllocs()
			for range b.N {
				s := NewScanner(&chunked{data: c.Bytes, size: size})
				s.Buffer(nil, 2*corpus.HugeLineSize)
				if !s.Next() || len(s.Data()) != corpus.HugeLineSize {
					b.Fatalf("no 4 MiB event: %v", s.Err())
				}
			}
		})
	}
}

// repeatReader gives the same bytes forever.
type repeatReader struct {
	data []byte
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.data[r.off:])
		n += c
		r.off = (r.off + c) % len(r.data)
	}
	return n, nil
}

// zeroAllocs fails t if a warmed-up Scanner reading c allocates per event.
func zeroAllocs(t *testing.T, c *corpus.Corpus, onComment bool) {
	s := NewScanner(&repeatReader{data: c.Bytes})
	if onComment {
		s.OnComment(func([]byte) {})
	}
	for range 2000 {
		s.Next()
	}
	var dst counter
	allocs := testing.AllocsPerRun(5000, func() {
		if !s.Next() {
			t.Fatal(s.Err())
		}
		_, _, _ = s.Type(), s.ID(), s.Data()
		if err := s.Decode(&dst); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per event", allocs)
	}
}

// TestZeroAllocsPerEvent checks that, once warmed up, reading an event and
// its fields allocates nothing, nor does decoding into a destination that
// keeps nothing, on every kind of stream, with and without a comment
// function (without one, comments take the fast path).
func TestZeroAllocsPerEvent(t *testing.T) {
	for _, c := range corpus.All() {
		if c.Name == "hugeline" {
			continue // one event: no steady state to measure
		}
		for _, onComment := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/OnComment=%v", c.Name, onComment), func(t *testing.T) {
				zeroAllocs(t, c, onComment)
			})
		}
	}
	t.Run("invalid utf8 and ids", func(t *testing.T) {
		stream := strings.Repeat("id: \xff1\nevent: t\xc0\ndata: a\xe2\x82\ndata: b\n\n", 100)
		s := NewScanner(&repeatReader{data: []byte(stream)})
		for range 1000 {
			s.Next()
		}
		if allocs := testing.AllocsPerRun(5000, func() { s.Next() }); allocs != 0 {
			t.Fatalf("%v allocations per event", allocs)
		}
	})
}

// TestCorpusTruth checks each corpus's ground truth, which its generator
// tallied from the events it wrote, against what the Scanner reads from
// the bytes fed in random chunks, and fed whole as the benchmarks feed
// them, with the fast path and with the general path only.
func TestCorpusTruth(t *testing.T) {
	for _, c := range corpus.All() {
		got := scanAll(randomChunks(c.Bytes, 1, 5000), 2*corpus.HugeLineSize)
		var ta corpus.Tally
		for _, e := range got.events {
			ta.Add([]byte(e.Type), []byte(e.ID), []byte(e.Data))
		}
		if got.err != nil || ta.Truth() != c.Truth {
			t.Errorf("%s: %+v (err %v), truth %+v", c.Name, ta.Truth(), got.err, c.Truth)
		}
		for _, general := range []bool{false, true} {
			s := newBenchScanner(plainReader{bytes.NewReader(c.Bytes)}, c)
			s.generalOnly = general
			var ta corpus.Tally
			for s.Next() {
				ta.Add(s.Type(), s.ID(), s.Data())
			}
			if s.Err() != nil || ta.Truth() != c.Truth {
				t.Errorf("%s, fed whole, general path only %v: %+v (err %v), truth %+v", c.Name, general, ta.Truth(), s.Err(), c.Truth)
			}
		}
	}
}

// BenchmarkWriter measures encoding one event, or comment, per operation
// into a destination that discards it (and can be flushed, as a
// ResponseWriter can, so the flush call is counted too). Bytes are the
// bytes written per event.
func BenchmarkWriter(b *testing.B) {
	var large strings.Builder
	large.WriteString(`{"items":[`)
	for i := 0; large.Len() < 4<<10-64; i++ {
		if i > 0 {
			large.WriteByte(',')
		}
		fmt.Fprintf(&large, `{"id":%d,"name":"item %d","ok":true}`, i, i)
	}
	large.WriteString(`]}`)
	lines := make([]string, 10)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"line":%d,"text":"some words of text"}`, i)
	}
	multiline := strings.Join(lines, "\n")
	for _, bc := range []struct {
		name string
		send func(w *Writer) error
	}{
		{"small", func(w *Writer) error {
			return w.Send(Event{Type: "update", ID: "1234", Data: `{"n":1}`})
		}},
		{"large", func(w *Writer) error {
			return w.Send(Event{Type: "snapshot", ID: "1234", Data: large.String()})
		}},
		{"multiline", func(w *Writer) error {
			return w.Send(Event{Data: multiline})
		}},
		{"comment", func(w *Writer) error {
			return w.Comment("heartbeat")
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var out bytes.Buffer
			if err := bc.send(NewWriter(&out)); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(out.Len()))
			w := NewWriter(benchWriterDiscard{})
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := bc.send(w); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/event")
		})
	}
}

// benchWriterDiscard discards writes and counts as flushable.
type benchWriterDiscard struct{}

func (benchWriterDiscard) Write(p []byte) (int, error) { return len(p), nil }
func (benchWriterDiscard) Flush() error                { return nil }
