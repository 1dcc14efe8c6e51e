package sse_test

// Tests aimed at the Scanner's fast path for data lines (scan_fast.go): the
// places where it hands over to the general path, or must behave exactly
// as if it had. Every stream is checked against the reference parser of
// fuzz_test.go, fed in the ways that put line ends, CRLFs and the ends of
// runs of data lines at the edge of a Read or of the buffer.

import (
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/fastsse/sse"
)

// fastPathStreams are streams whose data lines the fast path takes, or
// must refuse at the right moment.
var fastPathStreams = []string{
	// Runs of data lines, with each line end.
	"data: a\ndata: b\ndata: c\n\n",
	"data: a\r\ndata: b\r\ndata: c\r\n\r\n",
	"data: a\rdata: b\rdata: c\r\r",
	"data: a\r\rdata: b\r\n\r\n",
	"data: a\n\rdata: b\r\n\n",
	"data: a\r\n\rdata: b\n\r\n",
	"data: a\r\n\r\n\r\ndata: b\r\r\n",
	"data: a\n\n\n\ndata: b\n\n",
	// "data:" with no space, one space, two spaces; empty values.
	"data:x\ndata: y\ndata:  z\ndata:\ndata: \n\n",
	"data:\ndata:\n\n",
	"data: \n\n",
	"data:\r\n\r\n",
	// "data" without a colon, and names that only start like "data".
	"data\ndata\n\n",
	"data\ndata: x\ndata\n\n",
	"data: x\ndata\ndata: y\n\n",
	"dat\ndata: x\n\n",
	"datum: x\ndata : y\nDATA: z\ndata: w\n\n",
	"data\r\ndata:x\r\n\r\n",
	// Other lines within and after a run.
	"data: a\n: comment\ndata: b\n\n",
	"data: a\nevent: t\ndata: b\nid: 7\nretry: 10\ndata: c\n\n",
	"event: t\ndata: a\ndata: b\n\nid: 1\ndata: c\n\n",
	"data: a\nfoo\ndata: b\n\n",
	// UTF-8: valid non-ASCII stays on the fast path, invalid leaves it,
	// before the first value of an event or after it.
	"data: h\u00e9llo\ndata: \u2603\ndata: \U0001F600\n\n",
	"data: a\ndata: \xff\ndata: b\n\n",
	"data: \xe2\x82\ndata: b\ndata: c\n\n",
	"data: a\ndata: b\xc0\ndata: c\n\ndata: d\ndata: e\n\n",
	"data: \xed\xa0\x80x\ndata: y\n\n",
	// Control bytes that the SWAR line search must step over.
	"data: a\tb\x00c\x0bd\x0ce\ndata: \x01\x0e\n\n",
	// Long lines, which move the line search from scanEOL to IndexByte and
	// back.
	"data: " + strings.Repeat("x", 100) + "\ndata: s\ndata: " + strings.Repeat("y", 30) + "\ndata: " + strings.Repeat("z", 70) + "\n\n",
	"data: " + strings.Repeat("\u00e9", 50) + "\r\ndata: " + strings.Repeat("w", 200) + "\r\n\r\n",
	"data: " + strings.Repeat("x", 63) + "\ndata: " + strings.Repeat("x", 64) + "\ndata: " + strings.Repeat("x", 65) + "\n\n",
	// A BOM before the first data line.
	"\uFEFFdata: a\ndata: b\n\n",
	"\uFEFF\ndata: a\n\n",
	// Unterminated events and lines at the end of the stream.
	"data: a\ndata: b\n",
	"data: a\ndata: b",
	"data: a\n\ndata: b\r",
	"data: a\n\ndata",
}

// TestFastPathChunkings reads each stream whole, one byte per Read, split
// once at every offset, and with initial buffers too small for a line, and
// checks that the Scanner agrees with the reference parser every time.
func TestFastPathChunkings(t *testing.T) {
	for _, in := range fastPathStreams {
		input := []byte(in)
		want := refParse(input)
		const max = 1 << 20
		check := func(how string, r io.Reader, buf []byte) {
			t.Helper()
			got, err := scanRef(r, buf, max)
			if err != nil {
				t.Fatalf("%q %s: Err() = %v", in, how, err)
			}
			if !equalRef(got, want) {
				t.Fatalf("%q %s:\n got %q\nwant %q", in, how, got.events, want.events)
			}
		}
		check("whole", strings.NewReader(in), nil)
		check("byte by byte", &byteReader{data: input}, nil)
		for cut := 1; cut < len(input); cut++ {
			check("split", io.MultiReader(strings.NewReader(in[:cut]), strings.NewReader(in[cut:])), nil)
		}
		for _, size := range []int{1, 5, 6, 7, 8, 16, 33, 64} {
			check("small buffer", strings.NewReader(in), make([]byte, size))
		}
	}
}

// TestFastPathRandomStreams builds streams from lines the fast path takes
// and lines it must leave, in random order, and reads them in random
// chunks with random initial buffers.
func TestFastPathRandomStreams(t *testing.T) {
	atoms := []string{
		"data: a", "data:b", "data:  c", "data:", "data: ", "data",
		"data: " + strings.Repeat("long ", 20), "data: h\u00e9", "data: \xff",
		"data: \xe2\x82", "data: x\ty", ": c", "event: e", "id: 3", "retry: 5",
		"", "", "", "datum: x",
	}
	ends := []string{"\n", "\n", "\n", "\r\n", "\r"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		if rng.IntN(8) == 0 {
			b.WriteString("\uFEFF")
		}
		for n := rng.IntN(30); n > 0; n-- {
			b.WriteString(atoms[rng.IntN(len(atoms))])
			b.WriteString(ends[rng.IntN(len(ends))])
		}
		input := []byte(b.String())
		seed := rng.Uint64()
		got, err := scanRef(fuzzChunks(input, seed), make([]byte, 1+seed%80), 3*len(input)+16)
		if err != nil {
			t.Fatalf("%q: Err() = %v", input, err)
		}
		if want := refParse(input); !equalRef(got, want) {
			t.Fatalf("%q (seed %d):\n got %q\nwant %q", input, seed, got.events, want.events)
		}
	}
}

// TestFastPathLimits reads runs of data lines with limits around the sizes
// of their lines and their events' data: the fast path must leave the line
// or value that goes over to the general path, which stops with
// ErrTooLong after exactly the events before it, as refFirstExcess says.
func TestFastPathLimits(t *testing.T) {
	streams := []string{
		"data: aaaa\ndata: bbbb\ndata: cccc\n\ndata: dd\n\n",
		"data:aaaa\r\ndata:bbbb\r\n\r\ndata:cccccccccc\r\n\r\n",
		"data: " + strings.Repeat("x", 40) + "\ndata: " + strings.Repeat("y", 40) + "\n\n",
		"data: \u00e9\u00e9\ndata: \u00e9\n\ndata: \xff\xff\ndata: z\n\n",
		"data\ndata\ndata\n\ndata: q\n\n",
	}
	for _, in := range streams {
		input := []byte(in)
		for limit := 1; limit <= len(input)+1; limit++ {
			for _, r := range []struct {
				how string
				r   func() io.Reader
			}{
				{"whole", func() io.Reader { return strings.NewReader(in) }},
				{"byte by byte", func() io.Reader { return &byteReader{data: input} }},
			} {
				got, err := scanRef(r.r(), nil, limit)
				at := refFirstExcess(input, limit)
				if at < 0 {
					if err != nil {
						t.Fatalf("%q limit %d %s: Err() = %v, want nil", in, limit, r.how, err)
					}
					if want := refParse(input); !equalRef(got, want) {
						t.Fatalf("%q limit %d %s:\n got %q\nwant %q", in, limit, r.how, got.events, want.events)
					}
					continue
				}
				if !errors.Is(err, sse.ErrTooLong) {
					t.Fatalf("%q limit %d %s: Err() = %v, want ErrTooLong at offset %d", in, limit, r.how, err, at)
				}
				if want := refParse(input[:at]); !equalRefEvents(got, want) {
					t.Fatalf("%q limit %d %s:\n got %q\nwant %q", in, limit, r.how, got.events, want.events)
				}
			}
		}
	}
}

// TestFastPathLiveness gives the Scanner a run of data lines and its blank
// line in one Read and fails on any further Read before Next has returned
// the event: the fast path must dispatch it from the buffer, whichever
// line end the blank line has, and then leave a pending LF of a CRLF to
// the next call.
func TestFastPathLiveness(t *testing.T) {
	for _, tt := range []struct{ first, rest, want, wantRest string }{
		{"data: a\ndata: b\n\n", "data: c\n\n", "a\nb", "c"},
		{"data: a\r\ndata: b\r\n\r", "\ndata: c\r\n\r\n", "a\nb", "c"},
		{"data: a\rdata: b\r\r", "\ndata: c\r\r", "a\nb", "c"},
		{"data: a\ndata: b\r\r", "\r\ndata: c\n\n", "a\nb", "c"},
	} {
		r := &stepReader{t: t, parts: []string{tt.first, tt.rest}}
		s := sse.NewScanner(r)
		if !s.Next() || string(s.Data()) != tt.want {
			t.Fatalf("%q: first event %q (err %v), want %q", tt.first, s.Data(), s.Err(), tt.want)
		}
		if r.reads != 1 {
			t.Fatalf("%q: %d reads before the first event, want 1", tt.first, r.reads)
		}
		r.allow = true
		if !s.Next() || string(s.Data()) != tt.wantRest {
			t.Fatalf("%q then %q: second event %q (err %v), want %q", tt.first, tt.rest, s.Data(), s.Err(), tt.wantRest)
		}
		if s.Next() || s.Err() != nil {
			t.Fatalf("%q then %q: more after the second event (err %v)", tt.first, tt.rest, s.Err())
		}
	}
}

// stepReader gives its parts one per Read, and fails the test if the
// second part is asked for before allow is set.
type stepReader struct {
	t     *testing.T
	parts []string
	reads int
	allow bool
}

func (r *stepReader) Read(p []byte) (int, error) {
	if r.reads == 1 && !r.allow {
		r.t.Fatal("Read before the complete event was returned")
	}
	if len(r.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.parts[0])
	r.parts[0] = r.parts[0][n:]
	if r.parts[0] == "" {
		r.parts = r.parts[1:]
		r.reads++
	}
	return n, nil
}

// byteReader gives one byte per Read.
type byteReader struct{ data []byte }

func (r *byteReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

// equalRef reports whether two results agree on events, retry and the last
// event ID.
func equalRef(a, b refResult) bool {
	return equalRefEvents(a, b) && a.retry == b.retry && a.retryOK == b.retryOK && a.lastID == b.lastID
}

// equalRefEvents reports whether two results have the same events.
func equalRefEvents(a, b refResult) bool { return slices.Equal(a.events, b.events) }
