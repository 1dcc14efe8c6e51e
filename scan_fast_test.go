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
	// Comments, which the fast path takes when no comment function is set:
	// alone, with each line end, between the data lines of one event,
	// right before the blank line, in blocks with no data, and followed
	// by lines the fast path leaves.
	":\n\n",
	":\ndata: a\n:\n\n",
	": x\r\ndata: a\r\n: x\r\n\r\n",
	": x\rdata: a\r: y\r\r",
	": x\r\r\ndata: a\n\n",
	": x\n: y\n: z\n\n: w\n\ndata: a\n\n",
	": x\r\n: y\r\n\r\n\r\ndata: a\r\n\r\n",
	"event: t\n: x\n\ndata: a\n\n",
	"event: t\n: x\ndata: a\n: y\n\n",
	"data: a\n: x\ndata: b\n: y\n: z\ndata: c\n: w\n\n",
	"data: a\r\n:\r\ndata: b\r\n:\r\n\r\n",
	": x\n:y\n:  z\n::\n:data: q\n\ndata: a\n\n",
	": \xff\n: \xe2\x82\ndata: a\n:\xc0\n\n",
	": a\tb\x00c\x0bd\ndata: \x01\n\n",
	": " + strings.Repeat("c", 100) + "\ndata: a\n: " + strings.Repeat("c", 62) + "\n: " + strings.Repeat("c", 63) + "\n\n",
	": " + strings.Repeat("c", 200) + "\r: b\r\n\r\n",
	": x\nid: 1\n: y\nretry: 5\n: z\nfoo\n: w\ndata: a\n\n",
	"\uFEFF: x\ndata: a\n\n",
	"\uFEFF:\n\n",
	// id lines, which the fast path takes too: with and without a space,
	// empty, with NUL (ignored), non-ASCII, invalid UTF-8, long, alone in
	// a block (the ID changes, no event), and names that only start like
	// "id".
	"id: 1\ndata: a\n\nid:2\ndata: b\n\nid:\ndata: c\n\nid: \ndata: d\n\n",
	"id: 1\ndata: a\nid: 2\n\ndata: b\n\n",
	"id: 1\r\n: x\r\ndata: a\r\n\r\nid: 2\r\n\r\ndata: b\r\n\r\n",
	"id: 7\rdata: a\rid: 8\r\r",
	"id: 1\ndata: a\n\nid: x\x00y\ndata: b\n\nid: \x00\ndata: c\n\n",
	"id: h\u00e9\ndata: a\n\nid: \xff\ndata: b\n\nid: \xe2\x82\ndata: c\n\n",
	"id: " + strings.Repeat("i", 100) + "\ndata: a\n\nid: 1\ndata: b\n\n",
	"id\ndata: a\n\nid 1\ndata: b\n\nidx: 2\ndata: c\n\nid : 3\ndata: d\n\nID: 4\ndata: e\n\n",
	"id:\n\nid\r\n\r\ni\ndata: a\n\n",
	"data: a\nid: 3\n",
	"data: a\nid: 3",
	"id: 3\n\ndata: a\n\nid: 4\n",
	// Event lines, which the fast path takes: with each line end, values
	// with and without the space, empty, non-ASCII, invalid UTF-8 (for the
	// general path), long, and names that only start like "event".
	"event: t\ndata: a\n\n",
	"event:t\r\ndata: a\r\nevent: u\r\n\r\n",
	"event: t\revent:\rdata: a\r\r",
	"event: h\u00e9\ndata: \u65e5\u672c\ndata: b\n\n",
	"event: \xff\ndata: a\n\nevent: b\xe2\x82\ndata: b\n\n",
	"event:  two\ndata: a\n\nevent\ndata: b\n\n",
	"events: x\ndata: a\n\neventx: y\ndata: b\n\nEvent: z\ndata: c\n\n",
	"event: " + strings.Repeat("t", 100) + "\nid: " + strings.Repeat("i", 90) + "\ndata: a\n\n",
	"event: t\nid: 1\ndata: a\n\nevent: u\nid: 2\ndata: b\n\n",
	"event: t\n\ndata: a\n\n",
	// NUL in id values, found by the line search: short and long lines,
	// NUL before and next to other control bytes.
	"id: 1\ndata: a\n\nid: \x00\ndata: b\n\nid: 2\x00\ndata: c\n\n",
	"id: 7\ndata: a\n\nid: \t\x00\x0b" + strings.Repeat("n", 80) + "\ndata: b\n\nid: " + strings.Repeat("m", 80) + "\x00\ndata: c\n\n",
	"id: a\tb\x0cc\ndata: x\n\n",
	// Unterminated events and lines at the end of the stream.
	"data: a\ndata: b\n",
	"data: a\ndata: b",
	"data: a\n\ndata: b\r",
	"data: a\n\ndata",
	": x\n: y",
	": x\n:",
	"data: a\n: x\r",
	"data: a\n\n: x",
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
		wantLog := refCommentLog(input)
		checkBoth := func(how string, r func() io.Reader, bufSize int) {
			t.Helper()
			check(how, r(), make([]byte, bufSize))
			got, log, err := scanCommentLog(r(), make([]byte, bufSize), max)
			if err != nil {
				t.Fatalf("%q %s, with OnComment: Err() = %v", in, how, err)
			}
			if !equalRef(got, want) {
				t.Fatalf("%q %s, with OnComment:\n got %q\nwant %q", in, how, got.events, want.events)
			}
			if !slices.Equal(log, wantLog) {
				t.Fatalf("%q %s, with OnComment: comments and events\n got %q\nwant %q", in, how, log, wantLog)
			}
		}
		whole := func() io.Reader { return strings.NewReader(in) }
		checkBoth("whole", whole, 0)
		checkBoth("byte by byte", func() io.Reader { return &byteReader{data: input} }, 0)
		for cut := 1; cut < len(input); cut++ {
			checkBoth("split", func() io.Reader {
				return io.MultiReader(strings.NewReader(in[:cut]), strings.NewReader(in[cut:]))
			}, 0)
		}
		for _, size := range []int{1, 5, 6, 7, 8, 16, 33, 64} {
			checkBoth("small buffer", whole, size)
		}
	}
}

// scanCommentLog is scanRef with a comment function: it also returns the
// comments and events in the order the Scanner reported them, as
// refCommentLog does.
func scanCommentLog(r io.Reader, buf []byte, max int) (refResult, []string, error) {
	s := sse.NewScanner(r)
	s.Buffer(buf, max)
	var log []string
	s.OnComment(func(c []byte) { log = append(log, "comment "+string(c)) })
	res := drain(s, &log)
	return res, log, s.Err()
}

// refCommentLog lists the comments of a stream, decoded and without the
// colon and one following space, and the dispatches of its events, in
// stream order, as the reference parser meets them.
func refCommentLog(input []byte) []string {
	var log []string
	hasData := false
	for _, line := range refLines(refDecodeUTF8(input)) {
		switch {
		case line == "":
			if hasData {
				log = append(log, "event")
			}
			hasData = false
		case line[0] == ':':
			log = append(log, "comment "+strings.TrimPrefix(line[1:], " "))
		default:
			if name, _ := refField(line); name == "data" {
				hasData = true
			}
		}
	}
	return log
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
		":", ": ping", ":x", ": \xff", ": " + strings.Repeat("c", 70), ": ping",
		"id:", "id: 4", "id: \x00", "id: \xe2\x82", "id: " + strings.Repeat("i", 70), "id",
		"event: e", "event:", "event: \xff", "event: h\u00e9", "event: " + strings.Repeat("e", 70), "event",
		"data: \u65e5\u672c\u8a9e", "data: \U0001F680 " + strings.Repeat("\u00e9", 40), "id: \u00e9\x00",
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
		want := refParse(input)
		if !equalRef(got, want) {
			t.Fatalf("%q (seed %d):\n got %q\nwant %q", input, seed, got.events, want.events)
		}
		got, log, err := scanCommentLog(fuzzChunks(input, seed), make([]byte, 1+seed%80), 3*len(input)+16)
		if err != nil {
			t.Fatalf("%q, with OnComment: Err() = %v", input, err)
		}
		if !equalRef(got, want) {
			t.Fatalf("%q (seed %d), with OnComment:\n got %q\nwant %q", input, seed, got.events, want.events)
		}
		if wantLog := refCommentLog(input); !slices.Equal(log, wantLog) {
			t.Fatalf("%q (seed %d), with OnComment: comments and events\n got %q\nwant %q", input, seed, log, wantLog)
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
		// Comments and ids around the limit: a line over it stops the
		// Scanner at that line, with or without a comment function.
		": ccc\n: cccccc\ndata: aa\n: c\n\n: " + strings.Repeat("c", 12) + "\n\ndata: b\n\n",
		":\r\n: cc\r\ndata: a\r\n: " + strings.Repeat("c", 20) + "\r\n\r\n",
		"data: a\n: cccc\ndata: bbbb\n: cccccccc\n\n",
		"id: 12\ndata: a\n\nid: 123456\ndata: b\n\nid: " + strings.Repeat("i", 12) + "\ndata: c\n\n",
		"id: \xff\xff\xff\ndata: a\n\nid: \x00\x00\x00\x00\x00\ndata: b\n\n",
		": " + strings.Repeat("c", 30) + "\n",
		": " + strings.Repeat("c", 30),
	}
	for _, in := range streams {
		input := []byte(in)
		for limit := 1; limit <= len(input)+1; limit++ {
			for _, r := range []struct {
				how string
				r   func() io.Reader
				buf int // the size of the initial buffer
			}{
				{"whole", func() io.Reader { return strings.NewReader(in) }, 0},
				{"byte by byte", func() io.Reader { return &byteReader{data: input} }, 0},
				// A buffer larger than the limit holds whole lines
				// that are over it.
				{"whole, large buffer", func() io.Reader { return strings.NewReader(in) }, 4 * len(input)},
			} {
				got, err := scanRef(r.r(), make([]byte, r.buf), limit)
				at := refFirstExcess(input, limit)
				got2, _, err2 := scanCommentLog(r.r(), make([]byte, r.buf), limit)
				if !equalRef(got2, got) || errors.Is(err2, sse.ErrTooLong) != errors.Is(err, sse.ErrTooLong) {
					t.Fatalf("%q limit %d %s: with OnComment %q (err %v), without %q (err %v)", in, limit, r.how, got2.events, err2, got.events, err)
				}
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
		{": x\ndata: a\n: y\ndata: b\n: z\n\n", ": w\ndata: c\n\n", "a\nb", "c"},
		{": x\n\n: y\r\n\r\nid: 1\r\ndata: a\r\n: z\r\n\r", "\n: w\r\ndata: c\r\n\r\n", "a", "c"},
		{": x\rid: 2\rdata: a\r\r", "\n: y\rdata: c\r\r", "a", "c"},
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
