package sse_test

// The fuzz targets of the package, in this one file:
//
//   - FuzzScanner compares the Scanner with refParse, a reference parser
//     written here straight from the spec, over arbitrary bytes and
//     arbitrary chunkings.
//   - FuzzLimits checks that a small limit is never exceeded, never panics,
//     and stops the stream with ErrTooLong after a correct prefix.
//   - FuzzWriterRoundTrip checks that what the Writer accepts reads back
//     exactly, and that what it refuses breaks its documented policy.
//
// The committed seed corpus in testdata/fuzz is made from the conformance
// vectors by TestWriteFuzzCorpus (FASTSSE_WRITE_CORPUS=1).

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
	retry   time.Duration
	retryOK bool
	lastID  string
}

// refParse interprets a whole stream the way WHATWG HTML §9.2.5 and §9.2.6
// describe it, one step after another, with clarity before speed: decode
// the bytes as UTF-8, split the text into lines, then process each line.
//
// One choice goes beyond the spec, matching the package: a retry value too
// large for a time.Duration of milliseconds is ignored rather than wrapped.
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
			lastIDValue = lastIDBuf
			if data == "" {
				eventType = ""
				continue
			}
			data = strings.TrimSuffix(data, "\n")
			typ := eventType
			if typ == "" {
				typ = "message"
			}
			res.events = append(res.events, refEvent{Type: typ, ID: lastIDValue, Data: data})
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
					if ms, err := strconv.ParseInt(value, 10, 64); err == nil && ms <= math.MaxInt64/int64(time.Millisecond) {
						res.retry, res.retryOK = time.Duration(ms)*time.Millisecond, true
					}
				}
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
// space after the colon is dropped; without a colon the value is empty.
func refField(line string) (name, value string) {
	name, value, _ = strings.Cut(line, ":")
	return name, strings.TrimPrefix(value, " ")
}

// refDecodeUTF8 decodes b as the WHATWG Encoding Standard's "UTF-8 decode"
// does: one leading BOM is removed, and each ill-formed subsequence gives
// one U+FFFD, the byte that proved it ill-formed being read again as the
// start of what follows.
func refDecodeUTF8(b []byte) string {
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	var out strings.Builder
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			out.WriteByte(c)
			i++
			continue
		}
		// The lead byte says how many continuation bytes follow and the
		// range the first of them must fall in (Unicode Table 3-7).
		var need int
		var cp rune
		lower, upper := byte(0x80), byte(0xBF)
		switch {
		case c >= 0xC2 && c <= 0xDF:
			need, cp = 1, rune(c&0x1F)
		case c >= 0xE0 && c <= 0xEF:
			need, cp = 2, rune(c&0x0F)
			if c == 0xE0 {
				lower = 0xA0
			}
			if c == 0xED {
				upper = 0x9F
			}
		case c >= 0xF0 && c <= 0xF4:
			need, cp = 3, rune(c&0x07)
			if c == 0xF0 {
				lower = 0x90
			}
			if c == 0xF4 {
				upper = 0x8F
			}
		default:
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
			out.WriteRune(utf8.RuneError)
		} else {
			out.WriteRune(cp)
		}
		i = j
	}
	return out.String()
}

// ---- The conformance vectors, for seeds and for checking the oracle ----

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
	return vs
}

func (v fuzzVector) bytes(t testing.TB) []byte {
	b, err := base64.StdEncoding.DecodeString(v.Input)
	if err != nil {
		t.Fatal(err)
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
		if got.retryOK != (v.RetryMS != nil) || (v.RetryMS != nil && got.retry.Milliseconds() != *v.RetryMS) {
			t.Errorf("%s: retry %v %v, want %v", v.Name, got.retry, got.retryOK, v.RetryMS)
		}
	}
}

// ---- FuzzScanner ----

// fuzzChunks feeds data in chunks whose sizes come from a generator seeded
// by seed: from one byte to a few hundred, so both the byte-at-a-time and
// the many-lines-per-read paths are exercised.
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

// scanRef reads r with a Scanner whose limit is max and reports it in the
// reference parser's terms.
func scanRef(r io.Reader, buf []byte, max int) (refResult, error) {
	s := sse.NewScanner(r)
	s.Buffer(buf, max)
	var res refResult
	for s.Next() {
		res.events = append(res.events, refEvent{Type: string(s.Type()), ID: string(s.ID()), Data: string(s.Data())})
	}
	res.retry, res.retryOK = s.Retry()
	res.lastID = s.LastEventID()
	return res, s.Err()
}

func FuzzScanner(f *testing.F) {
	for i, v := range fuzzVectors(f) {
		f.Add(v.bytes(f), uint64(i))
	}
	f.Fuzz(func(t *testing.T, input []byte, seed uint64) {
		want := refParse(input)
		// A limit the stream cannot reach: decoding turns each invalid byte
		// into a three-byte U+FFFD, so data can be three times its input.
		got, err := scanRef(fuzzChunks(input, seed), make([]byte, 1+seed%64), 3*len(input)+16)
		if err != nil {
			t.Fatalf("Err() = %v", err)
		}
		if !slices.Equal(got.events, want.events) {
			t.Fatalf("events\n got %q\nwant %q", got.events, want.events)
		}
		if got.retry != want.retry || got.retryOK != want.retryOK {
			t.Fatalf("Retry() = %v %v, want %v %v", got.retry, got.retryOK, want.retry, want.retryOK)
		}
		if got.lastID != want.lastID {
			t.Fatalf("LastEventID() = %q, want %q", got.lastID, want.lastID)
		}
	})
}

// ---- FuzzLimits ----

func FuzzLimits(f *testing.F) {
	for i, v := range fuzzVectors(f) {
		f.Add(v.bytes(f), uint16(i*7), uint64(i))
	}
	f.Fuzz(func(t *testing.T, input []byte, limit uint16, seed uint64) {
		max := 1 + int(limit)%4096
		// A buffer given by the caller may be larger than the limit; the
		// limit must hold all the same.
		got, err := scanRef(fuzzChunks(input, seed), make([]byte, seed%8192), max)
		for _, e := range got.events {
			if len(e.Data) > max || len(e.Type) > max || len(e.ID) > max {
				t.Fatalf("event larger than the limit %d: %q", max, e)
			}
		}
		want := refParse(input)
		if err == nil {
			if !slices.Equal(got.events, want.events) {
				t.Fatalf("no error, but events\n got %q\nwant %q", got.events, want.events)
			}
			return
		}
		if !errors.Is(err, sse.ErrTooLong) {
			t.Fatalf("Err() = %v, want ErrTooLong", err)
		}
		// The events before the failure are the reference's first ones.
		if len(got.events) > len(want.events) || !slices.Equal(got.events, want.events[:len(got.events)]) {
			t.Fatalf("events before ErrTooLong\n got %q\nwant a prefix of %q", got.events, want.events)
		}
		// The limit was really exceeded: some line, or the data of some
		// event, is longer than max.
		if !refExceeds(input, max) {
			t.Fatalf("ErrTooLong, but no line or event data exceeds %d bytes", max)
		}
	})
}

// refExceeds reports whether the stream has a line of more than max bytes
// (counted before decoding, as the Scanner buffers them, and including an
// unterminated last line) or an event whose decoded data is.
func refExceeds(input []byte, max int) bool {
	isEnd := func(r rune) bool { return r == '\r' || r == '\n' }
	for _, line := range bytes.FieldsFunc(input, isEnd) {
		if len(line) > max {
			return true
		}
	}
	size := -1 // length of the data joined so far; -1 before any data field
	for _, line := range refLines(refDecodeUTF8(input)) {
		if line == "" {
			size = -1
			continue
		}
		if name, value := refField(line); name == "data" {
			size += len(value) + 1
			if size > max {
				return true
			}
		}
	}
	return false
}

// ---- The committed seed corpus ----

// TestWriteFuzzCorpus writes testdata/fuzz seed files made from the
// conformance vectors; it runs only when FASTSSE_WRITE_CORPUS=1.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("FASTSSE_WRITE_CORPUS") != "1" {
		t.Skip("set FASTSSE_WRITE_CORPUS=1 to rewrite testdata/fuzz")
	}
	for i, v := range fuzzVectors(t) {
		in := v.bytes(t)
		if len(in) > 4096 {
			in = in[:4096]
		}
		write := func(target, body string) {
			dir := filepath.Join("testdata", "fuzz", target)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, v.Name), []byte("go test fuzz v1\n"+body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("FuzzScanner", fmt.Sprintf("[]byte(%s)\nuint64(%d)\n", strconv.Quote(string(in)), i))
		write("FuzzLimits", fmt.Sprintf("[]byte(%s)\nuint16(%d)\nuint64(%d)\n", strconv.Quote(string(in)), 8+i%64, i))
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
		return len(value) > 0 && len(bytes.Trim(value, "0123456789")) == 0
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
		// A reader ignores a value whose milliseconds overflow a Duration.
		ms, err := strconv.ParseInt(value, 10, 64)
		if err == nil && ms <= math.MaxInt64/int64(time.Millisecond) {
			m.retry, m.retrySet = time.Duration(ms)*time.Millisecond, true
		}
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
