package sse_test

// The fuzz targets of the package, in this one file, one section each:
//
//   - The reference parser, refParse, written here straight from the spec
//     and sharing no code with the package, and the tests that check it.
//   - FuzzScanner compares the Scanner with refParse over arbitrary bytes
//     and arbitrary chunkings.
//   - FuzzLimits checks that a small limit is never exceeded, never panics,
//     stops the stream with ErrTooLong exactly where the stream first goes
//     over the limit, after the right events, having read a bounded number
//     of bytes.
//   - FuzzWriterRoundTrip checks that what the Writer accepts reads back
//     exactly, and that what it refuses breaks its documented policy.
//
// The committed seed corpus in testdata/fuzz is made from the conformance
// vectors; TestFuzzCorpus checks it is complete (FASTSSE_WRITE_CORPUS=1
// rewrites it).

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"github.com/fastsse/sse"
)

// ---- The reference parser ----

// refEvent is an event as the reference parser dispatches it.
type refEvent struct{ Type, ID, Data string }

// refResult is everything the reference parser reports about a stream.
type refResult struct {
	events  []refEvent
	retry   time.Duration // the reconnection time, when retryOK
	retryOK bool          // a valid retry field was seen
	lastID  string        // the last event ID string at the end
}

// refParse interprets a whole stream the way WHATWG HTML §9.2.5 and §9.2.6
// describe it, one step after another, with clarity before speed: decode
// the bytes as UTF-8, split the text into lines, then process each line.
//
// Two choices go beyond the spec; both match the package and the
// conformance vectors. An empty retry value is ignored (the spec's "only
// ASCII digits" is read as "one or more"). A retry value too large for a
// time.Duration of milliseconds (more than math.MaxInt64/1e6 ms, about 292
// years) is ignored rather than wrapped or clamped: the spec sets no upper
// bound, but no Go program can represent the delay.
func refParse(input []byte) refResult {
	lines := refLines(refDecodeUTF8(input))
	var (
		res         refResult
		data        string // the data buffer
		eventType   string // the event type buffer
		lastIDBuf   string // the last event ID buffer
		lastIDValue string // the last event ID string of the event source
	)
	for _, line := range lines {
		switch {
		case line == "":
			// Dispatch the event.
			// 1. The last event ID string takes the buffer's value.
			lastIDValue = lastIDBuf
			// 2. No data: reset the buffers and return.
			if data == "" {
				eventType = ""
				continue
			}
			// 3. Remove the data's trailing LF.
			data = strings.TrimSuffix(data, "\n")
			// 4-5. The event, its type "message" unless one was set.
			typ := eventType
			if typ == "" {
				typ = "message"
			}
			res.events = append(res.events, refEvent{Type: typ, ID: lastIDValue, Data: data})
			// 6. Reset the data and event type buffers (not the ID one).
			data, eventType = "", ""
		case line[0] == ':':
			// A comment: ignored.
		default:
			name, value := refField(line)
			switch name {
			case "event":
				eventType = value
			case "data":
				data += value + "\n"
			case "id":
				if !strings.ContainsRune(value, 0) {
					lastIDBuf = value
				}
			case "retry":
				if value != "" && strings.Trim(value, "0123456789") == "" {
					ms, err := strconv.ParseInt(value, 10, 64)
					if err == nil && ms <= math.MaxInt64/int64(time.Millisecond) {
						res.retry, res.retryOK = time.Duration(ms)*time.Millisecond, true
					}
				}
			default:
				// Any other field is ignored.
			}
		}
	}
	// At the end of the stream pending data is discarded; the last event
	// ID string stays what the last dispatch made it.
	res.lastID = lastIDValue
	return res
}

// refLines splits text into lines as §9.2.5 says: a line ends at CRLF, LF
// or CR. The text after the last line end is an unterminated line, which is
// never processed, so it is left out.
func refLines(text string) []string {
	var lines []string
	for {
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			return lines
		}
		lines = append(lines, text[:i])
		if strings.HasPrefix(text[i:], "\r\n") {
			text = text[i+2:]
		} else {
			text = text[i+1:]
		}
	}
}

// refField splits a field line: the name runs to the first colon, and one
// space after the colon is dropped; without a colon the whole line is the
// name and the value is empty.
func refField(line string) (name, value string) {
	name, value, _ = strings.Cut(line, ":")
	return name, strings.TrimPrefix(value, " ")
}

// refBOM is U+FEFF encoded as UTF-8.
var refBOM = []byte{0xEF, 0xBB, 0xBF}

// refDecodeUTF8 decodes a whole stream as the WHATWG Encoding Standard's
// "UTF-8 decode" does, which §9.2.5 requires: one leading BOM is removed,
// then the rest is decoded with refDecode.
func refDecodeUTF8(b []byte) string {
	return refDecode(bytes.TrimPrefix(b, refBOM))
}

// refDecode decodes b as the WHATWG UTF-8 decoder does, with replacement:
// each maximal subpart of an ill-formed sequence gives one U+FFFD, the
// byte that proved it ill-formed being read again as the start of what
// follows. Well-formed sequences are those of Unicode Table 3-7.
func refDecode(b []byte) string {
	var out strings.Builder
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			out.WriteByte(c)
			i++
			continue
		}
		// The lead byte says how many continuation bytes follow and the
		// range the first of them must fall in (Table 3-7).
		var need int
		var cp rune
		lower, upper := byte(0x80), byte(0xBF)
		switch {
		case c >= 0xC2 && c <= 0xDF:
			need, cp = 1, rune(c&0x1F)
		case c >= 0xE0 && c <= 0xEF:
			need, cp = 2, rune(c&0x0F)
			if c == 0xE0 {
				lower = 0xA0 // no overlong forms
			}
			if c == 0xED {
				upper = 0x9F // no surrogates
			}
		case c >= 0xF0 && c <= 0xF4:
			need, cp = 3, rune(c&0x07)
			if c == 0xF0 {
				lower = 0x90 // no overlong forms
			}
			if c == 0xF4 {
				upper = 0x8F // nothing above U+10FFFF
			}
		default: // 80..C1, F5..FF never start a sequence
			out.WriteRune(utf8.RuneError)
			i++
			continue
		}
		j := i + 1
		for ; need > 0; need-- {
			if j >= len(b) || b[j] < lower || b[j] > upper {
				break
			}
			cp = cp<<6 | rune(b[j]&0x3F)
			lower, upper = 0x80, 0xBF
			j++
		}
		if need > 0 {
			out.WriteRune(utf8.RuneError) // b[i:j] is a maximal subpart
		} else {
			out.WriteRune(cp)
		}
		i = j
	}
	return out.String()
}

// TestReferenceDecoder checks the oracle's decoder against the examples of
// the Unicode Standard §3.9 (U+FFFD substitution of maximal subparts,
// Tables 3-8 to 3-11), worked out by hand, and against the BOM rule.
func TestReferenceDecoder(t *testing.T) {
	const r = "\uFFFD"
	tests := []struct{ in, want string }{
		{"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", "a" + r + r + r + "b" + r + "c" + r + r + "d"},
		{"\xC0\xAF\xE0\x80\xBF\xF0\x81\x82\x41", strings.Repeat(r, 8) + "A"},               // non-shortest forms
		{"\xED\xA0\x80\xED\xBF\xBF\xED\xAF\x41", strings.Repeat(r, 8) + "A"},               // surrogates
		{"\xF4\x91\x92\x93\xFF\x41\x80\xBF\x42", strings.Repeat(r, 5) + "A" + r + r + "B"}, // above U+10FFFF, FF
		{"\xE1\x80\xE2\xF0\x91\x92\xF1\xBF\x41", strings.Repeat(r, 4) + "A"},               // truncated sequences
		{"\xE2\x82", r}, // truncated at the end
		{"\xF0\x9F\x98\x80\xE2\x82\xAC\xC3\xA9\x7F", "\U0001F600\u20AC\u00E9\x7F"}, // well-formed
		{"\xEF\xBB\xBF\xEF\xBB\xBFx", "\uFEFFx"},                                   // only one BOM removed
		{"\xEF\xBBx", r + "x"},                                                     // not a BOM
		{"", ""},
	}
	for _, tt := range tests {
		if got := refDecodeUTF8([]byte(tt.in)); got != tt.want {
			t.Errorf("refDecodeUTF8(%q) = %+q, want %+q", tt.in, got, tt.want)
		}
	}
}

// ---- The conformance vectors, for seeds and for checking the oracle ----

// fuzzVector is one case of testdata/vectors.json.
type fuzzVector struct {
	Name   string `json:"name"`
	Input  string `json:"input_b64"`
	Events []struct {
		Type string `json:"type"`
		Data string `json:"data"`
		ID   string `json:"id"`
	} `json:"events"`
	RetryMS *int64 `json:"retry_ms"`
}

func fuzzVectors(t testing.TB) []fuzzVector {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []fuzzVector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("testdata/vectors.json holds no vectors")
	}
	return vs
}

func (v fuzzVector) bytes(t testing.TB) []byte {
	b, err := base64.StdEncoding.DecodeString(v.Input)
	if err != nil {
		t.Fatalf("%s: %v", v.Name, err)
	}
	return b
}

// TestReferenceParserVectors checks the oracle itself against every
// conformance vector.
func TestReferenceParserVectors(t *testing.T) {
	for _, v := range fuzzVectors(t) {
		got := refParse(v.bytes(t))
		var want []refEvent
		for _, e := range v.Events {
			want = append(want, refEvent{Type: e.Type, ID: e.ID, Data: e.Data})
		}
		if !slices.Equal(got.events, want) {
			t.Errorf("%s: events\n got %q\nwant %q", v.Name, got.events, want)
		}
		if got.retryOK != (v.RetryMS != nil) || (v.RetryMS != nil && got.retry != time.Duration(*v.RetryMS)*time.Millisecond) {
			t.Errorf("%s: retry %v %v, want %v ms", v.Name, got.retry, got.retryOK, v.RetryMS)
		}
	}
}

// ---- Helpers shared by FuzzScanner and FuzzLimits ----

// fuzzChunks feeds data in chunks whose sizes come from a generator seeded
// by seed: from one byte to a few hundred (all of one byte when seed%300 is
// 0), so both the byte-at-a-time and the many-lines-per-read paths are
// exercised, and line ends, CRLFs, BOMs and UTF-8 sequences get split.
func fuzzChunks(data []byte, seed uint64) io.Reader {
	rng := rand.New(rand.NewPCG(seed, 1))
	var readers []io.Reader
	for len(data) > 0 {
		n := 1 + rng.IntN(1+int(seed%300))
		n = min(n, len(data))
		readers = append(readers, bytes.NewReader(data[:n]))
		data = data[n:]
	}
	return io.MultiReader(readers...)
}

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

// scanRef reads r with a Scanner given buf and a limit of max, and reports
// it in the reference parser's terms.
func scanRef(r io.Reader, buf []byte, max int) (refResult, error) {
	s := sse.NewScanner(r)
	s.Buffer(buf, max)
	return drain(s, nil), s.Err()
}

// drain reads every event of s into a refResult. With a log, it also adds
// "event" to it for each event, after whatever the comment function added.
func drain(s *sse.Scanner, log *[]string) refResult {
	var res refResult
	for s.Next() {
		res.events = append(res.events, refEvent{Type: string(s.Type()), ID: string(s.ID()), Data: string(s.Data())})
		if log != nil {
			*log = append(*log, "event")
		}
	}
	res.retry, res.retryOK = s.Retry()
	res.lastID = s.LastEventID()
	return res
}

// checkPaths reads input twice, in the same chunks with the same buffer
// and limit, once as usual and once with every line on the general path
// (sse.GeneralOnly), and fails t unless both report the same: events,
// retry time, last event ID, error, and (with a comment function, which
// keeps comments off the fast path) comments in order among the events. It
// does so with and without a comment function.
func checkPaths(t *testing.T, input []byte, seed uint64, bufSize, max int) {
	t.Helper()
	run := func(general, comments bool) (refResult, []string, string) {
		s := sse.NewScanner(fuzzChunks(input, seed))
		s.Buffer(make([]byte, bufSize), max)
		if general {
			sse.GeneralOnly(s)
		}
		var log []string
		if comments {
			s.OnComment(func(c []byte) { log = append(log, "comment "+string(c)) })
		}
		res := drain(s, &log)
		return res, log, fmt.Sprint(s.Err())
	}
	for _, comments := range []bool{false, true} {
		fast, fastLog, fastErr := run(false, comments)
		gen, genLog, genErr := run(true, comments)
		if fastErr != genErr {
			t.Fatalf("OnComment %v: Err() = %s, general path %s", comments, fastErr, genErr)
		}
		checkRef(t, fast, gen)
		if !slices.Equal(fastLog, genLog) {
			t.Fatalf("OnComment %v: comments and events\n got %q\ngeneral path %q", comments, fastLog, genLog)
		}
	}
}

// checkRef fails t unless got, read by the Scanner, equals want, from the
// reference parser.
func checkRef(t *testing.T, got, want refResult) {
	t.Helper()
	if !slices.Equal(got.events, want.events) {
		t.Fatalf("events\n got %q\nwant %q", got.events, want.events)
	}
	if got.retry != want.retry || got.retryOK != want.retryOK {
		t.Fatalf("Retry() = %v %v, want %v %v", got.retry, got.retryOK, want.retry, want.retryOK)
	}
	if got.lastID != want.lastID {
		t.Fatalf("LastEventID() = %q, want %q", got.lastID, want.lastID)
	}
}

// ---- FuzzScanner ----

// FuzzScanner reads arbitrary bytes, in chunks chosen by seed and with an
// initial buffer of 1 to 64 bytes, and checks that the Scanner reports
// exactly what the reference parser does: the events, the retry time and
// the last event ID at the end; and that the fast path and the general
// path report the same (checkPaths). Run with and without -tags purego,
// it checks both implementations of internal/bytescan.
func FuzzScanner(f *testing.F) {
	for i, v := range fuzzVectors(f) {
		f.Add(v.bytes(f), uint64(i))
	}
	f.Fuzz(func(t *testing.T, input []byte, seed uint64) {
		want := refParse(input)
		// A limit the stream cannot reach. len(input) is not enough:
		// decoding turns each invalid byte into a three-byte U+FFFD, so
		// data can be three times its input.
		got, err := scanRef(fuzzChunks(input, seed), make([]byte, 1+seed%64), 3*len(input)+16)
		if err != nil {
			t.Fatalf("Err() = %v", err)
		}
		checkRef(t, got, want)
		checkPaths(t, input, seed, int(1+seed%64), 3*len(input)+16)
	})
}

// ---- FuzzLimits ----

// FuzzLimits reads arbitrary bytes with a limit of 1 to 4096 bytes and a
// caller's buffer of 0 to 8191 bytes (so sometimes larger than the limit).
// The Scanner must stop with ErrTooLong exactly when the reference finds a
// line or event data over the limit, having returned the events before
// that point and no more, and having read no more than one buffer's worth
// past the start of the offending line; and it must never return a type
// (other than the default), ID or data longer than the limit.
//
// The read bound follows from the design of fill: bytes are only read into
// buf[end:], buf[0] never lies past the start of the line being read, and
// the buffer is never longer than the largest of the caller's buffer, the
// limit plus one (the room needed to see a line end after max bytes) and
// the 64-byte minimum.
func FuzzLimits(f *testing.F) {
	for i, v := range fuzzVectors(f) {
		f.Add(v.bytes(f), uint16(i*7), uint64(i))
	}
	f.Fuzz(func(t *testing.T, input []byte, limit uint16, seed uint64) {
		size := 1 + int(limit)%4096
		buf := make([]byte, seed%8192)
		r := &countingReader{r: fuzzChunks(input, seed)}
		got, err := scanRef(r, buf, size)
		checkPaths(t, input, seed, len(buf), size)
		for _, e := range got.events {
			// The default type, "message", comes from no line of the
			// stream, so it may be longer than a tiny limit.
			typeOver := len(e.Type) > size && e.Type != sse.DefaultType
			if len(e.Data) > size || typeOver || len(e.ID) > size {
				t.Fatalf("event larger than the limit %d: type %d bytes, id %d, data %d: %q",
					size, len(e.Type), len(e.ID), len(e.Data), e)
			}
		}
		at := refFirstExcess(input, size)
		if at < 0 {
			if err != nil {
				t.Fatalf("Err() = %v, but no line or event data exceeds %d bytes", err, size)
			}
			checkRef(t, got, refParse(input))
			return
		}
		if !errors.Is(err, sse.ErrTooLong) {
			t.Fatalf("Err() = %v, want ErrTooLong: the line at offset %d goes over %d bytes", err, at, size)
		}
		// Everything before the offending line, and nothing after it.
		checkRef(t, got, refParse(input[:at]))
		if window := max(cap(buf), size+1, 64); r.n > at+window {
			t.Fatalf("read %d bytes; the offending line starts at %d and the buffer holds %d", r.n, at, window)
		}
	})
}

// refFirstExcess returns the offset in input of the start of the first line
// at which the stream goes over a limit of max bytes, or -1 if it never
// does. A line goes over when it is longer than max bytes as sent (before
// decoding, without its line end; an unterminated last line counts too,
// since a reader must buffer it to find it has no end), or when it is a
// data field that makes its event's data, decoded and joined by LF, longer
// than max. Lines are split as refLines does, on the raw bytes: CR and LF
// never occur inside a UTF-8 sequence, so the lines are the same.
func refFirstExcess(input []byte, max int) int {
	off := 0
	if bytes.HasPrefix(input, refBOM) {
		off = len(refBOM)
	}
	size := -1 // length of the event's data so far; -1 before any data field
	for off < len(input) {
		end := off
		for end < len(input) && input[end] != '\r' && input[end] != '\n' {
			end++
		}
		if end-off > max {
			return off
		}
		if end == len(input) {
			return -1 // an unterminated line, never processed
		}
		switch line := refDecode(input[off:end]); {
		case line == "":
			size = -1
		case line[0] == ':':
		default:
			switch name, value := refField(line); name {
			case "data":
				size += len(value) + 1
				if size > max {
					return off
				}
			case "event", "id":
				// Decoding can make a value longer than its line. An id
				// with NUL is ignored, so it cannot go over.
				ignored := name == "id" && strings.ContainsRune(value, 0)
				if len(value) > max && !ignored {
					return off
				}
			}
		}
		off = end + 1
		if input[end] == '\r' && off < len(input) && input[off] == '\n' {
			off++
		}
	}
	return -1
}

// ---- The committed seed corpus ----

// TestFuzzCorpus checks that the committed seed corpus in testdata/fuzz
// holds, for FuzzScanner and FuzzLimits, one seed per conformance vector
// (inputs cut to 4 KiB), so that every fuzz run starts from every case the
// spec tests. With FASTSSE_WRITE_CORPUS=1 it rewrites those seeds instead.
func TestFuzzCorpus(t *testing.T) {
	rewrite := os.Getenv("FASTSSE_WRITE_CORPUS") == "1"
	for i, v := range fuzzVectors(t) {
		in := v.bytes(t)
		if len(in) > 4096 {
			in = in[:4096]
		}
		seed := func(target, body string) {
			dir := filepath.Join("testdata", "fuzz", target)
			path, want := filepath.Join(dir, v.Name), "go test fuzz v1\n"+body
			if rewrite {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != want {
				t.Errorf("seed %s is missing or stale (%v); run FASTSSE_WRITE_CORPUS=1 go test -run TestFuzzCorpus", path, err)
			}
		}
		seed("FuzzScanner", fmt.Sprintf("[]byte(%s)\nuint64(%d)\n", strconv.Quote(string(in)), i))
		seed("FuzzLimits", fmt.Sprintf("[]byte(%s)\nuint16(%d)\nuint64(%d)\n", strconv.Quote(string(in)), 8+i%64, i))
	}
}

// ---- FuzzWriterRoundTrip ----

// FuzzWriterRoundTrip writes events, comments and fields built from
// arbitrary bytes with a Writer and reads them back with a Scanner. Every
// call the Writer refuses must be refused by the documented policy, with an
// error wrapping ErrInvalidField and nothing written; every call it accepts
// must read back exactly as a model of the event stream format says:
// data with its line breaks as LF, everything else unchanged.
//
// The low two bits of count give the number of rounds (1 to 4). Each round
// writes the comment, then the field name: value if bit 2 is set, then a
// blank line if bit 3 is set, then the event with Send (retry included) in
// even rounds or SendBytes in odd ones. Bit 4 adds a lone retry field at the
// end; bit 5 reads the stream back one byte at a time.
func FuzzWriterRoundTrip(f *testing.F) {
	for _, s := range []struct {
		typ, id, data, comment, name, value string
		retry                               uint32
		count                               uint8
	}{
		{"", "", "", "", "x", "", 0, 0},
		{"message", "1", "hello", "ping", "data", "first", 3000, 1 | 4},
		{"update", "42", "a\nb\r\nc\rd", "multi\nline\r\ncomment", "event", "ignored", 1, 3 | 4 | 16},
		{" t", " id", " leading space", " c", "id", "", 0, 2 | 4},
		{"", "", "trailing\n", "trailing\r", "data", "\r\n", 0, 3 | 4 | 8},
		{"", "", "\n", "\r\n", "data", "", 0, 1 | 4 | 8},
		{"日本", "ü", "emoji 😀 \u2028 \u00a0", "é", "x-unicode", "ß", 12, 2 | 32},
		{"", "", "nul\x00in data", "nul\x00in comment", "x", "ok", 0, 1 | 4},
		{"ty\x00pe", "i\x00d", "d", "c", "x", "v\x00", 0, 4},
		{"ty\npe", "i\rd", "bad\xffutf8", "bad\xc0", "na:me", "v", 0, 4},
		{"", "", "truncated \xe2\x82", "", "\uFEFFdata", "bom", 0, 4},
		{"", "", "x", "", "retry", "0250", 0, 4 | 16},
		{"", "", "x", "", "retry", "99999999999999999999", 0, 4},
		{"", "", "x", "", "retry", "-1", 0, 4},
		{"", "", "x", "", "", "empty name", 0, 4},
		{"", "7", "x", "", "id", "", 0, 2 | 4},
		{"e", "", "\r\r\n\n", ":", "event", "", 0, 3 | 4 | 8 | 32},
	} {
		f.Add([]byte(s.typ), []byte(s.id), []byte(s.data), []byte(s.comment),
			[]byte(s.name), []byte(s.value), s.retry, s.count)
	}
	f.Fuzz(func(t *testing.T, typ, id, data, comment, name, value []byte, retry uint32, count uint8) {
		var buf bytes.Buffer
		w := sse.NewWriter(&buf)
		var m fuzzWriterModel
		rounds := int(count&3) + 1
		retryD := time.Duration(retry) * time.Millisecond
		for i := range rounds {
			if fuzzWriterTry(t, &buf, "Comment", fuzzWriterText(comment), func() error {
				return w.Comment(string(comment))
			}) {
				m.comment(string(comment))
			}
			if count&4 != 0 && fuzzWriterTry(t, &buf, "Field", fuzzWriterFieldOK(name, value), func() error {
				return w.Field(string(name), string(value))
			}) {
				m.field(string(name), string(value))
			}
			if count&8 != 0 && fuzzWriterTry(t, &buf, "Dispatch", true, w.Dispatch) {
				m.dispatch()
			}
			ok := fuzzWriterOneLine(typ) && fuzzWriterOneLine(id) && fuzzWriterText(data)
			if i%2 == 0 {
				e := sse.Event{Type: string(typ), ID: string(id), Data: string(data), Retry: retryD}
				if fuzzWriterTry(t, &buf, "Send", ok, func() error { return w.Send(e) }) {
					m.send(e)
				}
			} else {
				if fuzzWriterTry(t, &buf, "SendBytes", ok, func() error { return w.SendBytes(typ, id, data) }) {
					m.send(sse.Event{Type: string(typ), ID: string(id), Data: string(data)})
				}
			}
		}
		if count&16 != 0 && fuzzWriterTry(t, &buf, "Retry", true, func() error { return w.Retry(retryD) }) {
			m.retry, m.retrySet = retryD, true
		}

		var r io.Reader = bytes.NewReader(buf.Bytes())
		if count&32 != 0 {
			r = iotest.OneByteReader(r)
		}
		s := sse.NewScanner(r)
		var comments []string
		s.OnComment(func(c []byte) { comments = append(comments, string(c)) })
		var got []sse.Event
		for s.Next() {
			var e sse.Event
			if err := s.Decode(&e); err != nil {
				t.Fatal(err)
			}
			got = append(got, e)
		}
		if err := s.Err(); err != nil {
			t.Fatalf("reading back %q: %v", buf.Bytes(), err)
		}
		if len(got) != len(m.events) {
			t.Fatalf("read back %d events, want %d\nstream %q\ngot  %q\nwant %q", len(got), len(m.events), buf.Bytes(), got, m.events)
		}
		for i := range got {
			if got[i] != m.events[i] {
				t.Fatalf("event %d: got %q, want %q\nstream %q", i, got[i], m.events[i], buf.Bytes())
			}
		}
		if !slices.Equal(comments, m.comments) {
			t.Fatalf("comments: got %q, want %q\nstream %q", comments, m.comments, buf.Bytes())
		}
		if d, ok := s.Retry(); d != m.retry || ok != m.retrySet {
			t.Fatalf("Retry() = %v, %v; want %v, %v\nstream %q", d, ok, m.retry, m.retrySet, buf.Bytes())
		}
		if s.LastEventID() != m.lastID {
			t.Fatalf("LastEventID() = %q, want %q\nstream %q", s.LastEventID(), m.lastID, buf.Bytes())
		}
	})
}

// fuzzWriterTry makes one Writer call that the policy says is valid (ok) or
// not, and checks the outcome: a valid call succeeds; an invalid one returns
// an error wrapping ErrInvalidField and writes nothing. It reports whether
// the call succeeded.
func fuzzWriterTry(t *testing.T, buf *bytes.Buffer, what string, ok bool, call func() error) bool {
	t.Helper()
	before := buf.Len()
	err := call()
	switch {
	case ok && err != nil:
		t.Fatalf("%s refused a valid value: %v", what, err)
	case !ok && err == nil:
		t.Fatalf("%s accepted a value the policy refuses; wrote %q", what, buf.Bytes()[before:])
	case !ok && !errors.Is(err, sse.ErrInvalidField):
		t.Fatalf("%s: error %v does not wrap ErrInvalidField", what, err)
	case !ok && buf.Len() != before:
		t.Fatalf("%s refused the value (%v) but wrote %q", what, err, buf.Bytes()[before:])
	}
	return err == nil
}

// The writing policy, restated independently of the Writer's code: any valid
// UTF-8 in data and comments; no CR, LF or NUL in one-line values; field
// names non-empty, without colon, CR, LF or NUL and not starting with a BOM;
// a retry field value all ASCII digits.

func fuzzWriterText(b []byte) bool { return utf8.Valid(b) }

func fuzzWriterOneLine(b []byte) bool {
	return utf8.Valid(b) && !bytes.ContainsAny(b, "\r\n\x00")
}

func fuzzWriterFieldOK(name, value []byte) bool {
	if len(name) == 0 || !fuzzWriterOneLine(name) || bytes.IndexByte(name, ':') >= 0 ||
		bytes.HasPrefix(name, []byte("\uFEFF")) {
		return false
	}
	switch string(name) {
	case "data":
		return fuzzWriterText(value)
	case "retry":
		// Digits only, and no more milliseconds than a Duration holds: a
		// reader ignores a larger value, so the Writer refuses it.
		if len(value) == 0 || len(bytes.Trim(value, "0123456789")) != 0 {
			return false
		}
		ms, err := strconv.ParseInt(string(value), 10, 64)
		return err == nil && ms <= math.MaxInt64/int64(time.Millisecond)
	}
	return fuzzWriterOneLine(value)
}

// fuzzWriterModel is what a reader should make of the calls that
// succeeded: the event block being built, the stream's state and what was
// dispatched.
type fuzzWriterModel struct {
	typ, data, id  string
	hasData, hasID bool
	lastID         string
	retry          time.Duration
	retrySet       bool
	events         []sse.Event
	comments       []string
}

// fuzzWriterLF turns the line breaks a reader recognises into LF.
var fuzzWriterLF = strings.NewReplacer("\r\n", "\n", "\r", "\n")

func (m *fuzzWriterModel) comment(text string) {
	m.comments = append(m.comments, strings.Split(fuzzWriterLF.Replace(text), "\n")...)
}

func (m *fuzzWriterModel) addData(s string) {
	s = fuzzWriterLF.Replace(s)
	if m.hasData {
		m.data += "\n" + s
	} else {
		m.data, m.hasData = s, true
	}
}

func (m *fuzzWriterModel) field(name, value string) {
	switch name {
	case "data":
		m.addData(value)
	case "event":
		m.typ = value
	case "id":
		m.id, m.hasID = value, true
	case "retry":
		// The Writer took it, so it is in range (fuzzWriterFieldOK).
		ms, _ := strconv.ParseInt(value, 10, 64)
		m.retry, m.retrySet = time.Duration(ms)*time.Millisecond, true
	}
}

func (m *fuzzWriterModel) send(e sse.Event) {
	if e.Type != "" {
		m.typ = e.Type
	}
	if e.ID != "" {
		m.id, m.hasID = e.ID, true
	}
	if e.Retry > 0 {
		m.retry, m.retrySet = e.Retry.Truncate(time.Millisecond), true
	}
	m.addData(e.Data)
	m.dispatch()
}

// dispatch is a blank line: the id takes effect, and an event is
// dispatched if the block had data.
func (m *fuzzWriterModel) dispatch() {
	if m.hasID {
		m.lastID = m.id
	}
	if m.hasData {
		typ := m.typ
		if typ == "" {
			typ = sse.DefaultType
		}
		m.events = append(m.events, sse.Event{Type: typ, ID: m.lastID, Data: m.data})
	}
	m.typ, m.data, m.id = "", "", ""
	m.hasData, m.hasID = false, false
}
