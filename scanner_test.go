package sse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"go.uber.org/goleak"
)

func message(data, id string) Event { return Event{Type: DefaultType, Data: data, ID: id} }

// specCase is a stream and everything a Scanner must report reading it.
type specCase struct {
	name     string
	in       string
	want     []Event // in order; type, last event ID at dispatch, data
	retry    time.Duration
	retryOK  bool
	lastID   string   // LastEventID() at the end
	comments []string // texts given to OnComment
}

// specSteps walks WHATWG HTML §9.2.6, "Interpreting an event stream",
// step by step.
var specSteps = []specCase{
	// The stream: one leading U+FEFF is stripped; any other is an ordinary
	// character of its line.
	{name: "bom stripped", in: "\uFEFFdata: x\n\n", want: []Event{message("x", "")}},
	{name: "bom stripped before a comment", in: "\uFEFF: hi\n", comments: []string{"hi"}},
	{name: "bom stripped before blank lines", in: "\uFEFF\n\ndata: x\n\n", want: []Event{message("x", "")}},
	{name: "bom alone", in: "\uFEFF"},
	{name: "second bom is part of the field name", in: "\uFEFF\uFEFFdata: x\n\ndata: y\n\n", want: []Event{message("y", "")}},
	{name: "second bom keeps a comment from being one", in: "\uFEFF\uFEFF: hi\n"},
	{name: "bom after the start is part of the line", in: "data: a\n\n\uFEFFdata: b\n\n", want: []Event{message("a", "")}},
	{name: "bom in a value kept", in: "data: \uFEFFx\n\n", want: []Event{message("\uFEFFx", "")}},
	{name: "partial bom is invalid utf8", in: "\xEF\xBBdata: x\n\ndata: y\n\n", want: []Event{message("y", "")}},

	// Lines end at CRLF, LF or CR.
	{name: "lf", in: "data: a\ndata: b\n\n", want: []Event{message("a\nb", "")}},
	{name: "crlf", in: "data: a\r\ndata: b\r\n\r\n", want: []Event{message("a\nb", "")}},
	{name: "cr", in: "data: a\rdata: b\r\r", want: []Event{message("a\nb", "")}},
	{name: "mixed", in: "data: a\rdata: b\ndata: c\r\n\n", want: []Event{message("a\nb\nc", "")}},
	{name: "lf cr is two ends", in: "data: a\n\rdata: b\n\n", want: []Event{message("a", ""), message("b", "")}},
	{name: "cr cr lf", in: "data: a\r\r\ndata: b\r\n\r\n", want: []Event{message("a", ""), message("b", "")}},
	{name: "cr cr cr", in: "data: a\r\r\rdata: b\r\r", want: []Event{message("a", ""), message("b", "")}},
	{name: "final cr is a blank line", in: "data: x\n\r", want: []Event{message("x", "")}},
	{name: "final cr cr", in: "data: x\r\r", want: []Event{message("x", "")}},
	{name: "final cr ends only the data line", in: "data: x\r"},
	{name: "nul does not end a line", in: "data: a\x00b\n\n", want: []Event{message("a\x00b", "")}},
	{name: "vt ff nel ls do not end a line", in: "data: a\vb\fc\u0085d\u2028e\n\n", want: []Event{message("a\vb\fc\u0085d\u2028e", "")}},
	{name: "space line is not blank", in: "data: x\n \n"},
	{name: "only blank lines", in: "\n\r\n\r\n\r"},

	// Comments.
	{name: "comments", in: ": hi\n:\n:  two\n::x\ndata: x\n\n", want: []Event{message("x", "")}, comments: []string{"hi", "", " two", ":x"}},
	{name: "comment does not dispatch", in: "data: a\n: c\n", comments: []string{"c"}},
	{name: "comment between data lines", in: "data: a\n: c\ndata: b\n\n", want: []Event{message("a\nb", "")}, comments: []string{"c"}},
	{name: "comments with each line end", in: ": a\r: b\r\n: c\n", comments: []string{"a", "b", "c"}},
	{name: "unterminated comment not read", in: ": a\n: b", comments: []string{"a"}},

	// Fields: the name runs to the first colon; one space after it is
	// dropped; no colon means an empty value.
	{name: "no space after colon", in: "data:x\n\n", want: []Event{message("x", "")}},
	{name: "two spaces keep one", in: "data:  x\n\n", want: []Event{message(" x", "")}},
	{name: "tab kept", in: "data:\tx\n\n", want: []Event{message("\tx", "")}},
	{name: "trailing space kept", in: "data: x \n\n", want: []Event{message("x ", "")}},
	{name: "colons in value", in: "data: a:b: c\n\n", want: []Event{message("a:b: c", "")}},
	{name: "value starting with colon", in: "data::x\n\n", want: []Event{message(":x", "")}},
	{name: "no colon: empty value", in: "data\n\n", want: []Event{message("", "")}},
	{name: "colon: empty value", in: "data:\n\n", want: []Event{message("", "")}},
	{name: "colon space: empty value", in: "data: \n\n", want: []Event{message("", "")}},
	{name: "leading space in name", in: " data: x\n\n"},
	{name: "name is case sensitive", in: "Data: x\nDATA: y\n\n"},
	{name: "name is not a prefix", in: "datax: y\ndat: z\n\n"},
	{name: "nul in name", in: "data\x00: x\n\n"},
	{name: "unknown field", in: "foo: bar\ndata: x\n\n", want: []Event{message("x", "")}},
	{name: "unknown field without colon", in: "foo\ndata: x\n\n", want: []Event{message("x", "")}},

	// data: appends the value and an LF; the final LF is removed at
	// dispatch; no data field, no event.
	{name: "data joined by lf", in: "data: a\ndata: b\ndata: c\n\n", want: []Event{message("a\nb\nc", "")}},
	{name: "empty middle data", in: "data: a\ndata\ndata: b\n\n", want: []Event{message("a\n\nb", "")}},
	{name: "trailing empty data", in: "data: a\ndata\n\n", want: []Event{message("a\n", "")}},
	{name: "leading empty data", in: "data\ndata: a\n\n", want: []Event{message("\na", "")}},
	{name: "two empty data", in: "data\ndata\n\n", want: []Event{message("\n", "")}},
	{name: "data reset after dispatch", in: "data: a\n\ndata: b\n\n", want: []Event{message("a", ""), message("b", "")}},
	{name: "extra blank lines dispatch nothing", in: "data: a\n\n\n\n\ndata: b\n\n", want: []Event{message("a", ""), message("b", "")}},

	// event: sets the type, which is reset after every dispatch, even one
	// that dispatches nothing.
	{name: "type", in: "event: add\ndata: 1\n\n", want: []Event{{Type: "add", Data: "1"}}},
	{name: "type reset after dispatch", in: "event: add\ndata: 1\n\ndata: 2\n\n", want: []Event{{Type: "add", Data: "1"}, message("2", "")}},
	{name: "type reset after empty dispatch", in: "event: add\n\ndata: 2\n\n", want: []Event{message("2", "")}},
	{name: "type reset after comment-only block", in: "event: add\n: c\n\ndata: 2\n\n", want: []Event{message("2", "")}, comments: []string{"c"}},
	{name: "last type wins", in: "event: a\nevent: b\ndata: x\n\n", want: []Event{{Type: "b", Data: "x"}}},
	{name: "type after data", in: "data: x\nevent: late\n\n", want: []Event{{Type: "late", Data: "x"}}},
	{name: "empty type is message", in: "event\ndata: 1\n\nevent:\ndata: 2\n\n", want: []Event{message("1", ""), message("2", "")}},
	{name: "empty type clears earlier type", in: "event: a\nevent\ndata: x\n\n", want: []Event{message("x", "")}},
	{name: "type spaces kept", in: "event:  sp \ndata: x\n\n", want: []Event{{Type: " sp ", Data: "x"}}},

	// id: sets the last event ID buffer unless the value has a NUL; the
	// last event ID is set from it at the blank line and persists.
	{name: "id", in: "id: 7\ndata: a\n\n", want: []Event{message("a", "7")}, lastID: "7"},
	{name: "id persists", in: "id: 7\ndata: a\n\ndata: b\n\n", want: []Event{message("a", "7"), message("b", "7")}, lastID: "7"},
	{name: "id changes", in: "id: 1\ndata: a\n\nid: 2\ndata: b\n\ndata: c\n\n", want: []Event{message("a", "1"), message("b", "2"), message("c", "2")}, lastID: "2"},
	{name: "id with nul ignored", in: "id: 1\n\nid: 2\x003\ndata: a\n\n", want: []Event{message("a", "1")}, lastID: "1"},
	{name: "id of only nul ignored", in: "id: \x00\ndata: a\n\n", want: []Event{message("a", "")}},
	{name: "id with nul keeps earlier id of its block", in: "id: 3\nid: x\x00\ndata: a\n\n", want: []Event{message("a", "3")}, lastID: "3"},
	{name: "empty id resets", in: "id: 1\ndata: a\n\nid\ndata: b\n\n", want: []Event{message("a", "1"), message("b", "")}},
	{name: "empty id with colon resets", in: "id: 1\ndata: a\n\nid:\ndata: b\n\n", want: []Event{message("a", "1"), message("b", "")}},
	{name: "id in data-less block", in: "id: 5\n\n", lastID: "5"},
	{name: "id in data-less block carries over", in: "id: 5\n\ndata: a\n\n", want: []Event{message("a", "5")}, lastID: "5"},
	{name: "empty id in data-less block resets", in: "id: 1\ndata: a\n\nid\n\ndata: b\n\n", want: []Event{message("a", "1"), message("b", "")}},
	{name: "id after data", in: "data: x\nid: 9\n\n", want: []Event{message("x", "9")}, lastID: "9"},
	{name: "last id of block wins", in: "id: 1\nid: 2\ndata: x\n\n", want: []Event{message("x", "2")}, lastID: "2"},
	{name: "id spaces kept", in: "id:  a b \ndata: x\n\n", want: []Event{message("x", " a b ")}, lastID: " a b "},
	{name: "id control character kept", in: "id: a\x01b\ndata: x\n\n", want: []Event{message("x", "a\x01b")}, lastID: "a\x01b"},
	{name: "id invalid utf8", in: "id: \xff\ndata: a\n\n", want: []Event{message("a", "\uFFFD")}, lastID: "\uFFFD"},

	// retry: ASCII digits only, in milliseconds, applied as soon as the
	// line is read.
	{name: "retry", in: "retry: 1500\n", retry: 1500 * time.Millisecond, retryOK: true},
	{name: "retry zero", in: "retry: 0\n", retry: 0, retryOK: true},
	{name: "retry without space", in: "retry:250\n", retry: 250 * time.Millisecond, retryOK: true},
	{name: "retry leading zeros", in: "retry: 0003000\n", retry: 3 * time.Second, retryOK: true},
	{name: "retry overflow ignored", in: "retry: 20\nretry: 99999999999999999999\n", retry: 20 * time.Millisecond, retryOK: true},
	{name: "retry overflow alone", in: "retry: 99999999999999999999\n"},
	{name: "retry largest accepted", in: "retry: 9223372036854\n", retry: 9223372036854 * time.Millisecond, retryOK: true},
	{name: "retry just too large", in: "retry: 5\nretry: 9223372036855\n", retry: 5 * time.Millisecond, retryOK: true},
	{name: "retry plus", in: "retry: +5\n"},
	{name: "retry minus", in: "retry: -1\n"},
	{name: "retry two spaces", in: "retry:  5\n"},
	{name: "retry trailing space", in: "retry: 5 \n"},
	{name: "retry fraction", in: "retry: 1.5\n"},
	{name: "retry exponent", in: "retry: 1e3\n"},
	{name: "retry hex", in: "retry: 0x10\n"},
	{name: "retry empty", in: "retry\nretry:\nretry: \n"},
	{name: "retry arabic-indic digits", in: "retry: \u0661\u0662\n"},
	{name: "retry fullwidth digits", in: "retry: \uFF11\uFF12\n"},
	{name: "retry last valid wins", in: "retry: 100\nretry: 200\nretry: x\n", retry: 200 * time.Millisecond, retryOK: true},
	{name: "retry applies without dispatch", in: "retry: 7\ndata: pending\n", retry: 7 * time.Millisecond, retryOK: true},
	{name: "retry in data-less block", in: "retry: 7\n\n", retry: 7 * time.Millisecond, retryOK: true},
	{name: "retry unterminated line ignored", in: "retry: 5"},
	{name: "retry keeps id", in: "id: 1\ndata: a\n\nretry: 5\n\ndata: b\n\n", want: []Event{message("a", "1"), message("b", "1")}, retry: 5 * time.Millisecond, retryOK: true, lastID: "1"},

	// The end of the stream: an unterminated block is discarded, id and all.
	{name: "empty stream", in: ""},
	{name: "unterminated event", in: "data: a\n\ndata: b\n", want: []Event{message("a", "")}},
	{name: "unterminated line", in: "data: a\n\ndata: b", want: []Event{message("a", "")}},
	{name: "id of unterminated block not applied", in: "id: 1\ndata: a\n\nid: 2\ndata: b\n", want: []Event{message("a", "1")}, lastID: "1"},
	{name: "id of unterminated data-less block not applied", in: "id: 1\n\nid: 2\n", lastID: "1"},
	{name: "id on unterminated line not applied", in: "id: 1\n\nid: 2", lastID: "1"},

	// UTF-8 is decoded as browsers decode it.
	{name: "utf8 valid", in: "data: 我 é 😀\n\n", want: []Event{message("我 é 😀", "")}},
	{name: "utf8 replaced in data", in: "data: a\xe2\x82\n\n", want: []Event{message("a\uFFFD", "")}},
	{name: "utf8 replaced in type", in: "event: \xc0\xaf\ndata: x\n\n", want: []Event{{Type: "\uFFFD\uFFFD", Data: "x"}}},
	{name: "utf8 replaced in comment", in: ":\xff\n: a\xed\xa0\x80\n", comments: []string{"\uFFFD", "a\uFFFD\uFFFD\uFFFD"}},
	{name: "utf8 not joined across lines", in: "data: \xf0\x9f\ndata: \x98\x80\n\n", want: []Event{message("\uFFFD\n\uFFFD\uFFFD", "")}},
	{name: "utf8 truncated before lf", in: "data: \xe2\n\n", want: []Event{message("\uFFFD", "")}},
	{name: "utf8 truncated before cr", in: "data: \xf0\x9f\x98\r\r", want: []Event{message("\uFFFD", "")}},
	{name: "utf8 does not eat the colon", in: "dat\xe1: x\n\ndata: y\n\n", want: []Event{message("y", "")}},
	{name: "utf8 truncated at eof", in: "data: x\n\n\xe2\x82", want: []Event{message("x", "")}},
}

// TestScannerSpecSteps runs the spec walk fed whole, one byte at a time and
// in small random chunks.
func TestScannerSpecSteps(t *testing.T) {
	for _, tt := range specSteps {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			feeds := []namedReader{
				{"whole", bytes.NewReader(in)},
				{"one-byte", iotest.OneByteReader(bytes.NewReader(in))},
			}
			for seed := range uint64(4) {
				feeds = append(feeds, namedReader{fmt.Sprintf("random seed %d", seed), randomChunks(in, seed, 5)})
			}
			for _, f := range feeds {
				got := scanAll(f.r, 0)
				if got.err != nil {
					t.Fatalf("%s: Err() = %v", f.name, got.err)
				}
				if !reflect.DeepEqual(got.events, tt.want) {
					t.Errorf("%s: events\n got %q\nwant %q", f.name, got.events, tt.want)
				}
				if got.retryOK != tt.retryOK || got.retry != tt.retry {
					t.Errorf("%s: Retry() = %v, %v; want %v, %v", f.name, got.retry, got.retryOK, tt.retry, tt.retryOK)
				}
				if got.lastID != tt.lastID {
					t.Errorf("%s: LastEventID() = %q, want %q", f.name, got.lastID, tt.lastID)
				}
				if !reflect.DeepEqual(got.comments, tt.comments) {
					t.Errorf("%s: comments %q, want %q", f.name, got.comments, tt.comments)
				}
			}
		})
	}
}

// TestScannerLiveness checks that an event whose blank line has been read is
// returned without another Read. The writer side of a pipe writes the first
// part and then waits until Next has returned, so a Scanner that asks for
// one more byte (to see whether an LF follows a CR, say) deadlocks. The
// second part then checks that an LF completing a CR LF is swallowed and
// nothing else is.
func TestScannerLiveness(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tests := []struct {
		name        string
		first, rest string
		want        string   // the event the first part completes
		wantRest    []string // the events of the rest
	}{
		{"lf lf", "data: x\n\n", "\ndata: y\n\n", "x", []string{"y"}},
		{"cr cr", "data: x\r\r", "\ndata: y\n\n", "x", []string{"y"}},
		{"crlf cr", "data: x\r\n\r", "\ndata: y\n\n", "x", []string{"y"}},
		{"crlf crlf", "data: x\r\n\r\n", "\ndata: y\n\n", "x", []string{"y"}},
		{"lf cr", "data: x\n\r", "\ndata: y\r\n\r\n", "x", []string{"y"}},
		{"cr cr then cr lf", "data: x\r\r", "\r\ndata: y\n\n", "x", []string{"y"}},
		{"cr cr then data", "data: x\r\r", "data: y\r\r", "x", []string{"y"}},
		// The LF that completes "data: y" CR must not become a blank line,
		// which would split y and z into two events.
		{"cr inside the next event", "data: x\r\rdata: y\r", "\ndata: z\r\n\r\n", "x", []string{"y\nz"}},
		{"partial line after the event", "data: x\n\ndata: y", "\n\n", "x", []string{"y"}},
		{"two events in one write", "data: w\n\ndata: x\r\r", "\ndata: y\n\n", "w", []string{"x", "y"}},
	}
	for _, tt := range tests {
		for _, bytewise := range []bool{false, true} {
			name := tt.name
			if bytewise {
				name += ", byte by byte"
			}
			t.Run(name, func(t *testing.T) {
				pr, pw := io.Pipe()
				proceed := make(chan struct{})
				written := make(chan struct{})
				go func() {
					defer close(written)
					defer pw.Close()
					parts := []string{tt.first}
					if bytewise {
						parts = strings.Split(tt.first, "")
					}
					for _, p := range parts {
						if _, err := pw.Write([]byte(p)); err != nil {
							return
						}
					}
					<-proceed
					pw.Write([]byte(tt.rest))
				}()
				t.Cleanup(func() {
					pr.CloseWithError(errors.New("test over"))
					select {
					case <-proceed:
					default:
						close(proceed)
					}
					<-written
				})
				s := NewScanner(pr)
				var ok bool
				waitFor(t, "Next after a complete event", func() { ok = s.Next() })
				if !ok || string(s.Data()) != tt.want {
					t.Fatalf("first event: Next() = %v, data %q, err %v; want %q", ok, s.Data(), s.Err(), tt.want)
				}
				close(proceed)
				var got []string
				waitFor(t, "the rest of the stream", func() {
					for s.Next() {
						got = append(got, string(s.Data()))
					}
				})
				if !reflect.DeepEqual(got, tt.wantRest) || s.Err() != nil {
					t.Fatalf("rest: %q (err %v), want %q", got, s.Err(), tt.wantRest)
				}
			})
		}
	}
}

// limitLine returns a data line of n bytes, without its end.
func limitLine(n int) string { return "data: " + strings.Repeat("x", n-len("data: ")) }

// TestScannerLimits checks the line and event data limits with a maximum
// of 100 bytes, fed whole, one byte at a time and in random chunks.
func TestScannerLimits(t *testing.T) {
	const max = 100
	tests := []struct {
		name    string
		in      string
		want    []string // the data of the events read before the end
		tooLong bool
	}{
		{"line at limit", limitLine(max) + "\n\n", []string{limitLine(max)[6:]}, false},
		{"line at limit crlf", limitLine(max) + "\r\n\r\n", []string{limitLine(max)[6:]}, false},
		{"line at limit cr", limitLine(max) + "\r\r", []string{limitLine(max)[6:]}, false},
		{"line over limit", limitLine(max+1) + "\n\n", nil, true},
		{"line over limit crlf", limitLine(max+1) + "\r\n\r\n", nil, true},
		{"line over limit cr", limitLine(max+1) + "\r\r", nil, true},
		{"events before the long line delivered", "data: ok\n\n" + limitLine(max+1) + "\n\ndata: never\n\n", []string{"ok"}, true},
		{"comment at limit", ":" + strings.Repeat("c", max-1) + "\ndata: x\n\n", []string{"x"}, false},
		{"comment over limit", ":" + strings.Repeat("c", max) + "\ndata: x\n\n", nil, true},
		{"unknown field over limit", strings.Repeat("z", max+1) + "\ndata: x\n\n", nil, true},
		{"id over limit", "id: " + strings.Repeat("i", max-3) + "\ndata: x\n\n", nil, true},
		{"unterminated line at limit", limitLine(max), nil, false},
		{"unterminated line over limit", limitLine(max + 1), nil, true},
		// 44 + LF + 55 bytes of data is exactly the limit; one more is over.
		{"event data at limit", limitLine(50) + "\n" + limitLine(61) + "\n\n", []string{limitLine(50)[6:] + "\n" + limitLine(61)[6:]}, false},
		{"event data over limit", limitLine(50) + "\n" + limitLine(62) + "\n\n", nil, true},
		{"many short lines over limit", strings.Repeat("data: abcdefghij\n", 10) + "\n", nil, true},
		{"data limit is per event", limitLine(66) + "\n\n" + limitLine(66) + "\n\n", []string{limitLine(66)[6:], limitLine(66)[6:]}, false},
		// 40 invalid bytes decode to 40 three-byte U+FFFDs: 120 bytes of data.
		{"decoded data over limit", "data: " + strings.Repeat("\xff", 40) + "\n\n", nil, true},
		{"many blank lines", strings.Repeat("\n", 5*max) + "data: x\n\n", []string{"x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			feeds := []namedReader{
				{"whole", bytes.NewReader(in)},
				{"one-byte", iotest.OneByteReader(bytes.NewReader(in))},
				{"random", randomChunks(in, 1, 37)},
			}
			for _, f := range feeds {
				s := NewScanner(f.r)
				s.Buffer(nil, max)
				var got []string
				for s.Next() {
					if len(s.Data()) > max {
						t.Fatalf("%s: event data of %d bytes exceeds the limit", f.name, len(s.Data()))
					}
					got = append(got, string(s.Data()))
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("%s: events %q, want %q", f.name, got, tt.want)
				}
				if gotTooLong := errors.Is(s.Err(), ErrTooLong); gotTooLong != tt.tooLong {
					t.Fatalf("%s: Err() = %v, want ErrTooLong: %v", f.name, s.Err(), tt.tooLong)
				}
				if !tt.tooLong && s.Err() != nil {
					t.Fatalf("%s: Err() = %v", f.name, s.Err())
				}
				if tt.tooLong && !strings.Contains(s.Err().Error(), "100 bytes") {
					t.Errorf("%s: error %q does not state the limit", f.name, s.Err())
				}
				if s.Next() {
					t.Fatalf("%s: Next returned true after returning false with Err() = %v: data of %d bytes",
						f.name, s.Err(), len(s.Data()))
				}
			}
		})
	}
}

// TestScannerLimitStopsReading checks that a Scanner neither reads nor
// buffers an endless line: it stops with ErrTooLong having read no more
// than its buffer holds, and the buffer never grows past the limit plus
// one byte (the room needed to see that a line of max bytes ends).
func TestScannerLimitStopsReading(t *testing.T) {
	const max = 1000
	tests := []struct {
		name  string
		r     func() io.Reader
		bound int // most bytes the Scanner may read
	}{
		{"one byte at a time", func() io.Reader {
			return iotest.OneByteReader(io.MultiReader(strings.NewReader("data: "), neverEnding('x')))
		}, max + 1},
		{"large reads", func() io.Reader {
			return io.MultiReader(strings.NewReader("data: "), neverEnding('x'))
		}, max + 1},
		{"after an event", func() io.Reader {
			return io.MultiReader(strings.NewReader("data: a\n\ndata: "), neverEnding('x'))
		}, len("data: a\n\n") + max + 1},
		{"comment", func() io.Reader {
			return iotest.OneByteReader(io.MultiReader(strings.NewReader(":"), neverEnding('c')))
		}, max + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cr := &countingReader{r: tt.r()}
			s := NewScanner(cr)
			s.Buffer(nil, max)
			for s.Next() {
			}
			if !errors.Is(s.Err(), ErrTooLong) {
				t.Fatalf("Err() = %v, want ErrTooLong", s.Err())
			}
			if cr.n > tt.bound {
				t.Errorf("read %d bytes for a limit of %d", cr.n, max)
			}
			if cap(s.buf) > max+1 {
				t.Errorf("buffer grew to %d bytes for a limit of %d", cap(s.buf), max)
			}
		})
	}
}

// TestScannerBufferLargerThanMax checks that a caller's buffer larger than
// the limit does not raise the limit and is not grown.
func TestScannerBufferLargerThanMax(t *testing.T) {
	in := "data: ok\n\n" + limitLine(101) + "\n\n"
	for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
		s := NewScanner(r)
		s.Buffer(make([]byte, 4096), 100)
		if !s.Next() || string(s.Data()) != "ok" {
			t.Fatalf("first event: %q, err %v", s.Data(), s.Err())
		}
		if s.Next() || !errors.Is(s.Err(), ErrTooLong) {
			t.Fatalf("Next() after a 101-byte line: data %q, err %v", s.Data(), s.Err())
		}
		if cap(s.buf) != 4096 {
			t.Errorf("buffer of 4096 bytes replaced by one of %d", cap(s.buf))
		}
	}
}

func TestScannerBufferAfterNextPanics(t *testing.T) {
	s := NewScanner(strings.NewReader("data: x\n\n"))
	s.Next()
	defer func() {
		if recover() == nil {
			t.Fatal("Buffer after Next did not panic")
		}
	}()
	s.Buffer(nil, 10)
}

// TestScannerBufferGiven reads with a caller's buffer smaller than the
// events, so it must grow.
func TestScannerBufferGiven(t *testing.T) {
	buf := make([]byte, 8)
	s := NewScanner(iotest.HalfReader(strings.NewReader("id: 1\ndata: hello world\n\nevent: t\ndata: a\ndata: b\n\n")))
	s.Buffer(buf, 64)
	var got []Event
	for s.Next() {
		var e Event
		if err := s.Decode(&e); err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	want := []Event{{Type: "message", ID: "1", Data: "hello world"}, {Type: "t", ID: "1", Data: "a\nb"}}
	if s.Err() != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, err %v; want %q", got, s.Err(), want)
	}
}

func TestScannerReaderErrors(t *testing.T) {
	errBoom := errors.New("boom")
	t.Run("data and error in one read", func(t *testing.T) {
		r := &dataErrReader{chunks: []string{"data: a\n\ndata: b\n\ndata: partial\n"}, err: errBoom}
		got := scanAll(r, 0)
		if !reflect.DeepEqual(got.events, []Event{message("a", ""), message("b", "")}) || !errors.Is(got.err, errBoom) {
			t.Fatalf("events %q, err %v", got.events, got.err)
		}
	})
	t.Run("error after several reads", func(t *testing.T) {
		r := &dataErrReader{chunks: []string{"data: a\n", "\nid: 1\n", "data: b\r\r"}, err: fmt.Errorf("wrapped: %w", errBoom)}
		got := scanAll(r, 0)
		if !reflect.DeepEqual(got.events, []Event{message("a", ""), message("b", "1")}) || !errors.Is(got.err, errBoom) {
			t.Fatalf("events %q, err %v", got.events, got.err)
		}
	})
	t.Run("error alone", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader("data: a\n\ndata: partial\n"), iotest.ErrReader(errBoom))
		got := scanAll(r, 0)
		if !reflect.DeepEqual(got.events, []Event{message("a", "")}) || !errors.Is(got.err, errBoom) {
			t.Fatalf("events %q, err %v", got.events, got.err)
		}
	})
	t.Run("error is sticky", func(t *testing.T) {
		s := NewScanner(iotest.TimeoutReader(strings.NewReader("data: a\n\n")))
		s.Buffer(make([]byte, 4), 64)
		for s.Next() {
		}
		if !errors.Is(s.Err(), iotest.ErrTimeout) {
			t.Fatalf("Err() = %v", s.Err())
		}
		if s.Next() || !errors.Is(s.Err(), iotest.ErrTimeout) {
			t.Fatalf("Next after the error: Err() = %v", s.Err())
		}
	})
	t.Run("no progress", func(t *testing.T) {
		got := scanAll(emptyReader{}, 0)
		if !errors.Is(got.err, io.ErrNoProgress) {
			t.Fatalf("err %v", got.err)
		}
	})
	t.Run("no progress after events", func(t *testing.T) {
		got := scanAll(io.MultiReader(strings.NewReader("data: a\n\n"), emptyReader{}), 0)
		if !reflect.DeepEqual(got.events, []Event{message("a", "")}) || !errors.Is(got.err, io.ErrNoProgress) {
			t.Fatalf("events %q, err %v", got.events, got.err)
		}
	})
	t.Run("some empty reads", func(t *testing.T) {
		r := &flakyReader{r: iotest.OneByteReader(strings.NewReader("data: a\r\n\r\n")), empty: 50}
		got := scanAll(r, 0)
		if !reflect.DeepEqual(got.events, []Event{message("a", "")}) || got.err != nil {
			t.Fatalf("events %q, err %v", got.events, got.err)
		}
	})
	t.Run("data with eof", func(t *testing.T) {
		for _, in := range []string{"data: a\n\n", "data: a\r\r", "data: a\n\ndata: b\n"} {
			for _, r := range []io.Reader{
				&dataErrReader{chunks: []string{in}, err: io.EOF},
				iotest.DataErrReader(strings.NewReader(in)),
				iotest.DataErrReader(iotest.OneByteReader(strings.NewReader(in))),
			} {
				got := scanAll(r, 0)
				if !reflect.DeepEqual(got.events, []Event{message("a", "")}) || got.err != nil {
					t.Fatalf("%q: events %q, err %v", in, got.events, got.err)
				}
			}
		}
	})
	t.Run("invalid counts", func(t *testing.T) {
		for _, n := range []int{-1, 1 << 30} {
			s := NewScanner(badCountReader(n))
			if s.Next() || s.Err() == nil {
				t.Fatalf("Read returning %d: Next() = true or Err() = nil", n)
			}
		}
	})
}

// flakyReader returns (0, nil) empty times before each Read of r.
type flakyReader struct {
	r     io.Reader
	empty int
	left  int
}

func (f *flakyReader) Read(p []byte) (int, error) {
	if f.left > 0 {
		f.left--
		return 0, nil
	}
	f.left = f.empty
	return f.r.Read(p)
}

// badCountReader claims to have read the given number of bytes.
type badCountReader int

func (n badCountReader) Read([]byte) (int, error) { return int(n), nil }

// scanEvents reads the rest of s's events through the accessors.
func scanEvents(s *Scanner) []Event {
	var got []Event
	for s.Next() {
		got = append(got, Event{Type: string(s.Type()), ID: string(s.ID()), Data: string(s.Data())})
	}
	return got
}

// TestScannerReset checks that Reset starts a new stream as a reconnecting
// EventSource does: the last event ID and the reconnection time are kept,
// a partly read event and the buffered bytes are dropped, and a BOM is
// stripped again.
func TestScannerReset(t *testing.T) {
	t.Run("after the end", func(t *testing.T) {
		s := NewScanner(strings.NewReader("retry: 10\nid: 4\ndata: a\n\nid: 5\nevent: t\ndata: partial\n"))
		if !s.Next() || string(s.Data()) != "a" || s.LastEventID() != "4" {
			t.Fatalf("first stream: data %q, last ID %q", s.Data(), s.LastEventID())
		}
		if s.Next() || s.Err() != nil {
			t.Fatalf("the unterminated event was dispatched, or Err() = %v", s.Err())
		}
		if s.LastEventID() != "4" {
			t.Fatalf("LastEventID() = %q after an unterminated block, want 4", s.LastEventID())
		}
		s.Reset(strings.NewReader("\uFEFFdata: b\n\n"))
		if !s.Next() {
			t.Fatalf("after Reset: Next() = false, err %v", s.Err())
		}
		if string(s.Data()) != "b" || string(s.ID()) != "4" || string(s.Type()) != DefaultType {
			t.Fatalf("after Reset: type %q, id %q, data %q; want message, 4, b", s.Type(), s.ID(), s.Data())
		}
		if d, ok := s.Retry(); !ok || d != 10*time.Millisecond {
			t.Fatalf("Retry() = %v, %v; want 10ms", d, ok)
		}
	})
	t.Run("after an error mid event", func(t *testing.T) {
		// The connection drops in the middle of an event, as when an
		// EventSource reconnects: the lines of that event have been read.
		s := NewScanner(&dataErrReader{chunks: []string{"id: 4\ndata: a\n\nid: 5\nevent: t\ndata: partial\n"}, err: io.ErrUnexpectedEOF})
		if !s.Next() || string(s.Data()) != "a" {
			t.Fatalf("first event: %q, err %v", s.Data(), s.Err())
		}
		if s.Next() || !errors.Is(s.Err(), io.ErrUnexpectedEOF) {
			t.Fatalf("Next() = true or Err() = %v", s.Err())
		}
		s.Reset(strings.NewReader("data: b\n\n"))
		got := scanEvents(s)
		if want := []Event{message("b", "4")}; !reflect.DeepEqual(got, want) || s.Err() != nil {
			t.Fatalf("after Reset: %q (err %v), want %q", got, s.Err(), want)
		}
		if s.LastEventID() != "4" {
			t.Fatalf("LastEventID() = %q, want 4", s.LastEventID())
		}
	})
	t.Run("buffered bytes dropped", func(t *testing.T) {
		s := NewScanner(strings.NewReader("id: 4\ndata: a\n\nid: 5\nevent: t\ndata: unread\n\n"))
		if !s.Next() {
			t.Fatal(s.Err())
		}
		s.Reset(strings.NewReader("data: b\n\n"))
		got := scanEvents(s)
		if want := []Event{message("b", "4")}; !reflect.DeepEqual(got, want) || s.Err() != nil {
			t.Fatalf("after Reset: %q (err %v), want %q", got, s.Err(), want)
		}
	})
	t.Run("bom stripped once per stream", func(t *testing.T) {
		s := NewScanner(strings.NewReader("\uFEFFdata: a\n\n"))
		if !s.Next() || string(s.Data()) != "a" {
			t.Fatalf("first stream: %q, err %v", s.Data(), s.Err())
		}
		s.Reset(iotest.OneByteReader(strings.NewReader("\uFEFF\uFEFFdata: x\n\ndata: y\n\n")))
		if !s.Next() || string(s.Data()) != "y" {
			t.Fatalf("after Reset: %q, err %v; want y", s.Data(), s.Err())
		}
	})
	t.Run("clears the error", func(t *testing.T) {
		s := NewScanner(iotest.ErrReader(errors.New("x")))
		if s.Next() || s.Err() == nil {
			t.Fatal("want an error")
		}
		s.Reset(strings.NewReader("data: ok\n\n"))
		if !s.Next() || string(s.Data()) != "ok" || s.Err() != nil {
			t.Fatalf("after Reset: %q, err %v", s.Data(), s.Err())
		}
	})
	t.Run("keeps the limit", func(t *testing.T) {
		s := NewScanner(strings.NewReader("data: a\n\n"))
		s.Buffer(nil, 100)
		s.Next()
		s.Reset(strings.NewReader(limitLine(101) + "\n\n"))
		if s.Next() || !errors.Is(s.Err(), ErrTooLong) {
			t.Fatalf("after Reset: Err() = %v, want ErrTooLong", s.Err())
		}
	})
}

func TestScannerSetLastEventID(t *testing.T) {
	s := NewScanner(strings.NewReader("data: a\n\nid: 2\ndata: b\n\ndata: c\n\nid\ndata: d\n\n"))
	s.SetLastEventID("seed")
	if s.LastEventID() != "seed" {
		t.Fatalf("LastEventID() = %q", s.LastEventID())
	}
	var got []string
	for s.Next() {
		got = append(got, string(s.ID()))
		if string(s.Data()) == "b" {
			s.SetLastEventID("mid")
		}
	}
	// "c" has no id field: it carries the ID set between the events.
	if want := []string{"seed", "2", "mid", ""}; !reflect.DeepEqual(got, want) || s.Err() != nil {
		t.Fatalf("IDs %q (err %v), want %q", got, s.Err(), want)
	}
	if s.LastEventID() != "" {
		t.Fatalf("LastEventID() = %q after an empty id", s.LastEventID())
	}
}

func TestScannerComments(t *testing.T) {
	in := ": ping\n:\n:\xff\r\n::x\n:  two\ndata: a\n: inside\ndata: b\n\n: after\n"
	for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
		got := scanAll(r, 0)
		want := []string{"ping", "", "\uFFFD", ":x", " two", "inside", "after"}
		if !reflect.DeepEqual(got.comments, want) {
			t.Fatalf("comments %q, want %q", got.comments, want)
		}
		if !reflect.DeepEqual(got.events, []Event{message("a\nb", "")}) || got.err != nil {
			t.Fatalf("events %q (err %v)", got.events, got.err)
		}
	}
	t.Run("comments alone dispatch nothing", func(t *testing.T) {
		got := scanAll(strings.NewReader(": a\n\n: b\n\n"), 0)
		if len(got.events) != 0 || len(got.comments) != 2 || got.err != nil {
			t.Fatalf("events %q, comments %q, err %v", got.events, got.comments, got.err)
		}
	})
	t.Run("no comment function", func(t *testing.T) {
		s := NewScanner(strings.NewReader(": a\ndata: x\n\n"))
		if !s.Next() || string(s.Data()) != "x" {
			t.Fatalf("%q %v", s.Data(), s.Err())
		}
	})
	t.Run("called before the event is returned", func(t *testing.T) {
		s := NewScanner(strings.NewReader("data: a\n: c\n\ndata: b\n\n"))
		var seen []string
		s.OnComment(func(c []byte) { seen = append(seen, string(c)) })
		if !s.Next() || !reflect.DeepEqual(seen, []string{"c"}) {
			t.Fatalf("comments %q when the first event was returned", seen)
		}
	})
}

// TestScannerCommentDecodedLimit checks that a comment of invalid UTF-8,
// whose line fits the limit but whose decoded text (three bytes of U+FFFD
// per bad byte) does not, is not handed to the comment function: the
// Scanner stops with ErrTooLong, as it does for an event type or ID.
func TestScannerCommentDecodedLimit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		max     int
		n       int  // bad bytes in the comment
		tooLong bool // decoded, the comment exceeds max
	}{
		{"small limit, decoded too long", 100, 90, true},
		{"small limit, decoded exactly at the limit", 99, 33, false},
		{"small limit, decoded one past the limit", 98, 33, true},
		{"default limit, 900 KiB line", DefaultMaxSize, 900 << 10, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ":" + strings.Repeat("\xff", tc.n) + "\ndata: x\n\n"
			for _, r := range []io.Reader{strings.NewReader(in), iotest.HalfReader(strings.NewReader(in))} {
				s := NewScanner(r)
				s.Buffer(nil, tc.max)
				longest, calls := 0, 0
				s.OnComment(func(c []byte) {
					calls++
					longest = max(longest, len(c))
				})
				ok := s.Next()
				if longest > tc.max {
					t.Fatalf("a comment of %d bytes was handed over, limit %d", longest, tc.max)
				}
				if tc.tooLong {
					if ok || !errors.Is(s.Err(), ErrTooLong) || calls != 0 {
						t.Fatalf("Next %v, err %v, %d calls; want ErrTooLong and no call", ok, s.Err(), calls)
					}
					continue
				}
				if !ok || string(s.Data()) != "x" || calls != 1 || longest != 3*tc.n {
					t.Fatalf("Next %v (err %v), data %q, %d calls, longest %d", ok, s.Err(), s.Data(), calls, longest)
				}
			}
		})
	}
}

// counter is an EventSetter that keeps nothing of what it is given.
type counter struct{ n int }

var errRefused = errors.New("counter: refused")

func (c *counter) SetEvent(typ, id, data []byte) error {
	if string(typ) == "fail" {
		return fmt.Errorf("event %d: %w", c.n, errRefused)
	}
	c.n += len(data)
	return nil
}

// recorder is an EventSetter that copies what it is given.
type recorder struct{ typ, id, data []string }

func (r *recorder) SetEvent(typ, id, data []byte) error {
	r.typ = append(r.typ, string(typ))
	r.id = append(r.id, string(id))
	r.data = append(r.data, string(data))
	return nil
}

func TestScannerDecode(t *testing.T) {
	const in = "id: 1\nevent: add\ndata: abc\n\ndata: d\n\nid\nevent: fail\ndata: x\n\ndata: e\n\n"
	t.Run("event", func(t *testing.T) {
		s := NewScanner(strings.NewReader(in))
		var e Event
		if err := s.Decode(&e); err == nil {
			t.Fatal("Decode before Next succeeded")
		}
		var got []Event
		for s.Next() {
			e.Retry = time.Second // Decode must clear it
			if err := s.Decode(&e); err != nil {
				t.Fatal(err)
			}
			got = append(got, e)
		}
		want := []Event{{"add", "1", "abc", 0}, message("d", "1"), {"fail", "", "x", 0}, message("e", "")}
		if !reflect.DeepEqual(got, want) || s.Err() != nil {
			t.Fatalf("got %q (err %v), want %q", got, s.Err(), want)
		}
		if err := s.Decode(&e); err == nil {
			t.Fatal("Decode after the end succeeded")
		}
	})
	t.Run("custom setter", func(t *testing.T) {
		s := NewScanner(strings.NewReader(in))
		var r recorder
		for s.Next() {
			if err := s.Decode(&r); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(r.typ, []string{"add", "message", "fail", "message"}) ||
			!reflect.DeepEqual(r.id, []string{"1", "1", "", ""}) ||
			!reflect.DeepEqual(r.data, []string{"abc", "d", "x", "e"}) {
			t.Fatalf("got %+v", r)
		}
	})
	t.Run("setter error", func(t *testing.T) {
		s := NewScanner(strings.NewReader(in))
		var c counter
		var errs []error
		for s.Next() {
			errs = append(errs, s.Decode(&c))
		}
		if len(errs) != 4 || errs[0] != nil || errs[1] != nil || !errors.Is(errs[2], errRefused) || errs[3] != nil {
			t.Fatalf("Decode errors %v, want the setter's error for the third event only", errs)
		}
		if s.Err() != nil || c.n != 5 {
			t.Fatalf("Err() = %v, %d bytes counted; a setter's error must not stop the Scanner", s.Err(), c.n)
		}
	})
}

func TestScannerDecodeJSON(t *testing.T) {
	s := NewScanner(strings.NewReader("data: {\"n\": 3,\ndata: \"s\": \"x\"}\n\nevent: bad\ndata: {\n\nevent: typed\ndata: {\"n\": \"three\"}\n\n"))
	var v struct {
		N int
		S string
	}
	if err := s.DecodeJSON(&v); err == nil {
		t.Fatal("DecodeJSON before Next succeeded")
	}
	if !s.Next() {
		t.Fatal(s.Err())
	}
	if err := s.DecodeJSON(&v); err != nil || v.N != 3 || v.S != "x" {
		t.Fatalf("DecodeJSON: %+v, %v", v, err)
	}
	if !s.Next() {
		t.Fatal(s.Err())
	}
	err := s.DecodeJSON(&v)
	var syntax *json.SyntaxError
	if !errors.As(err, &syntax) || !strings.Contains(err.Error(), `"bad"`) {
		t.Fatalf("error %v is not a *json.SyntaxError naming the event", err)
	}
	if !s.Next() {
		t.Fatal(s.Err())
	}
	err = s.DecodeJSON(&v)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) || !strings.Contains(err.Error(), `"typed"`) {
		t.Fatalf("error %v is not a *json.UnmarshalTypeError naming the event", err)
	}
	if s.Next() || s.Err() != nil {
		t.Fatalf("Next at the end: err %v", s.Err())
	}
}

func TestScannerEventSetEventReusesStrings(t *testing.T) {
	var e Event
	if err := e.SetEvent([]byte("message"), []byte("1"), []byte("a")); err != nil {
		t.Fatal(err)
	}
	if e.Type != DefaultType || e.ID != "1" || e.Data != "a" {
		t.Fatalf("%+v", e)
	}
	allocs := testing.AllocsPerRun(100, func() {
		e.SetEvent([]byte("message"), []byte("1"), nil)
	})
	if allocs != 0 {
		t.Fatalf("SetEvent with unchanged type and id allocated %v times", allocs)
	}
}

// viewStream builds a stream of n events of about 10 to 40 bytes each:
// types and ids now and then (ids persist; an empty one resets), one or
// two data lines, the three line ends, a comment or an invalid byte now and
// then. It returns the stream and the events a reader must see, worked out
// as it was written.
func viewStream(seed uint64, n int) ([]byte, []Event) {
	rng := rand.New(rand.NewPCG(seed, 99))
	word := func(max int) string {
		const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
		b := make([]byte, rng.IntN(max+1))
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	var b bytes.Buffer
	var want []Event
	id := ""
	for range n {
		// One line end for the whole event: a CR line end followed by an
		// LF blank line would be one CR LF.
		end := []string{"\n", "\r\n", "\r"}[rng.IntN(3)]
		e := Event{Type: DefaultType}
		if rng.IntN(4) == 0 {
			e.Type = "t" + word(4)
			b.WriteString("event: " + e.Type + end)
		}
		if rng.IntN(4) == 0 {
			id = word(4)
			b.WriteString("id: " + id + end)
		}
		if rng.IntN(8) == 0 {
			b.WriteString(": c" + end)
		}
		var data []string
		for range 1 + rng.IntN(2) {
			w := "v" + word(12)
			if rng.IntN(8) == 0 {
				b.WriteString("data: " + w + "\xff" + end)
				w += "\uFFFD"
			} else {
				b.WriteString("data: " + w + end)
			}
			data = append(data, w)
		}
		b.WriteString(end)
		e.ID, e.Data = id, strings.Join(data, "\n")
		want = append(want, e)
	}
	return b.Bytes(), want
}

// longestLine returns the length of the longest line in b.
func longestLine(b []byte) int {
	n := 0
	for _, l := range bytes.FieldsFunc(b, func(r rune) bool { return r == '\r' || r == '\n' }) {
		n = max(n, len(l))
	}
	return n
}

// oddChunks gives data in chunks whose sizes are odd numbers picked by a
// generator seeded with seed, so that chunk boundaries wander through the
// events and the buffer.
func oddChunks(data []byte, seed uint64) io.Reader {
	sizes := []int{1, 3, 5, 7, 11, 13, 17, 29}
	rng := rand.New(rand.NewPCG(seed, 3))
	var cuts []int
	for off := 0; off < len(data); {
		off += sizes[rng.IntN(len(sizes))]
		cuts = append(cuts, off)
	}
	return &chunkReader{data: data, cuts: cuts}
}

// TestScannerViewsAcrossRefills checks Type, ID and Data for events that
// span buffer refills: with a 16-byte starting buffer and events of 10 to
// 40 bytes fed in odd chunks, lines are compacted to the front of the
// buffer and the buffer grows in the middle of events, while data lines are
// joined in place. The views of the current event must be right whatever
// happened; the views of an earlier event are only valid until the next
// Next, and they do change (the test logs how often), which is why a caller
// who keeps an event must copy it or use Decode.
func TestScannerViewsAcrossRefills(t *testing.T) {
	for seed := range uint64(6) {
		in, want := viewStream(seed, 400)
		for _, size := range []int{1, 16, 33} {
			s := NewScanner(oddChunks(in, seed))
			s.Buffer(make([]byte, size), 1<<20)
			i, changed := 0, 0
			var prevData []byte
			var prevCopy string
			for s.Next() {
				if prevData != nil && string(prevData) != prevCopy {
					changed++
				}
				if i >= len(want) {
					t.Fatalf("seed %d, buffer %d: more events than the %d written", seed, size, len(want))
				}
				w := want[i]
				for range 2 { // the accessors are stable until the next Next
					if string(s.Type()) != w.Type || string(s.ID()) != w.ID || string(s.Data()) != w.Data {
						t.Fatalf("seed %d, buffer %d, event %d: type %q id %q data %q, want %q %q %q",
							seed, size, i, s.Type(), s.ID(), s.Data(), w.Type, w.ID, w.Data)
					}
				}
				prevData, prevCopy = s.Data(), string(s.Data())
				i++
			}
			if i != len(want) || s.Err() != nil {
				t.Fatalf("seed %d, buffer %d: %d events of %d, err %v", seed, size, i, len(want), s.Err())
			}
			if longestLine(in) >= size && cap(s.buf) <= size {
				t.Fatalf("seed %d: the buffer of %d bytes never grew, yet a line is longer", seed, size)
			}
			if seed == 0 {
				t.Logf("buffer %d: %d of %d earlier events' Data() changed under the next Next", size, changed, len(want)-1)
			}
		}
	}
}

// TestScannerLongLineUTF8 puts invalid UTF-8 at the start, middle and end
// of lines long and short, after runs of lines of the other length, so that
// both line searches (and the switch between them) must decode it.
func TestScannerLongLineUTF8(t *testing.T) {
	long := strings.Repeat("a", 300)
	tests := []struct{ body, want string }{
		{"\xffx" + long, "\uFFFDx" + long},
		{long + "\xe2\x82" + long, long + "\uFFFD" + long},
		{long + "\xc0", long + "\uFFFD"},
		{"\xff", "\uFFFD"},
		{"ok", "ok"},
		{long, long},
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
		{long + "é" + long, long + "é" + long},
	}
	var in strings.Builder
	var want []Event
	for _, tt := range tests {
		for _, prefix := range []string{"data: ", "id: 1\ndata: "} {
			in.WriteString(prefix + tt.body + "\n\n")
			id := ""
			if len(want) > 0 {
				id = want[len(want)-1].ID
			}
			if strings.HasPrefix(prefix, "id") {
				id = "1"
			}
			want = append(want, message(tt.want, id))
		}
	}
	for _, r := range []io.Reader{strings.NewReader(in.String()), randomChunks([]byte(in.String()), 1, 200)} {
		got := scanAll(r, 0)
		if got.err != nil || !reflect.DeepEqual(got.events, want) {
			t.Fatalf("got %q (err %v)\nwant %q", got.events, got.err, want)
		}
		for _, e := range got.events {
			if !utf8.ValidString(e.Data) {
				t.Fatalf("invalid UTF-8 in %q", e.Data)
			}
		}
	}
}
