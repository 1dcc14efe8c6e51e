package sse_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"github.com/fastsse/sse"
)

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
