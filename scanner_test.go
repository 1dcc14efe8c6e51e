package sse

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"go.uber.org/goleak"
)

// TestSpecSteps walks WHATWG HTML §9.2.6 step by step, each case fed whole
// and one byte at a time.
func TestSpecSteps(t *testing.T) {
	msg := func(data, id string) Event { return Event{Type: "message", Data: data, ID: id} }
	tests := []struct {
		name    string
		in      string
		want    []Event
		retry   time.Duration // 0: none set
		lastID  string
		comment []string
	}{
		// The stream: one leading BOM is stripped, a second is data.
		{name: "bom stripped once", in: "\uFEFF\uFEFFdata: x\n\ndata: y\n\n", want: []Event{msg("y", "")}},
		{name: "bom only at start", in: "data: a\n\n\uFEFFdata: b\n\n", want: []Event{msg("a", "")}},
		// Line ends: CRLF, LF, CR; a CR then LF across lines is one end.
		{name: "lf", in: "data: a\ndata: b\n\n", want: []Event{msg("a\nb", "")}},
		{name: "crlf", in: "data: a\r\ndata: b\r\n\r\n", want: []Event{msg("a\nb", "")}},
		{name: "cr", in: "data: a\rdata: b\r\r", want: []Event{msg("a\nb", "")}},
		{name: "lf cr is two ends", in: "data: a\n\rdata: b\n\n", want: []Event{msg("a", ""), msg("b", "")}},
		// Comments.
		{name: "comment", in: ": hi\n:\n:  two\ndata: x\n\n", want: []Event{msg("x", "")}, comment: []string{"hi", "", " two"}},
		// Field name and value: first colon, one space dropped.
		{name: "colon in value", in: "data: a:b: c\n\n", want: []Event{msg("a:b: c", "")}},
		{name: "two spaces keep one", in: "data:  x\n\n", want: []Event{msg(" x", "")}},
		{name: "no colon: empty value", in: "data\ndata\n\n", want: []Event{msg("\n", "")}},
		{name: "unknown field", in: "foo: bar\ndata: x\n\n", want: []Event{msg("x", "")}},
		{name: "name is case sensitive", in: "DATA: x\n\n"},
		// data: appended with LF, the final LF removed.
		{name: "trailing empty data", in: "data: a\ndata\n\n", want: []Event{msg("a\n", "")}},
		// event: sets the type; reset after dispatch and after empty dispatch.
		{name: "type", in: "event: add\ndata: 1\n\ndata: 2\n\n", want: []Event{{Type: "add", Data: "1"}, msg("2", "")}},
		{name: "type reset without data", in: "event: add\n\ndata: 2\n\n", want: []Event{msg("2", "")}},
		{name: "empty type is message", in: "event\ndata: 1\n\n", want: []Event{msg("1", "")}},
		// id: persists; NUL ignored; empty resets; applied at the blank line.
		{name: "id persists", in: "id: 7\ndata: a\n\ndata: b\n\n", want: []Event{msg("a", "7"), msg("b", "7")}, lastID: "7"},
		{name: "id nul ignored", in: "id: 1\n\nid: 2\x003\ndata: a\n\n", want: []Event{msg("a", "1")}, lastID: "1"},
		{name: "id empty resets", in: "id: 1\ndata: a\n\nid\ndata: b\n\n", want: []Event{msg("a", "1"), msg("b", "")}},
		{name: "id in data-less block", in: "id: 5\n\n", lastID: "5"},
		{name: "id of unterminated block not applied", in: "id: 1\ndata: a\n\nid: 2\ndata: b\n", want: []Event{msg("a", "1")}, lastID: "1"},
		{name: "id invalid utf8", in: "id: \xff\ndata: a\n\n", want: []Event{msg("a", "\uFFFD")}, lastID: "\uFFFD"},
		// retry: ASCII digits only; leading zeros; overflow ignored; no dispatch needed.
		{name: "retry", in: "retry: 1500\n", retry: 1500 * time.Millisecond},
		{name: "retry leading zeros", in: "retry: 03000\n", retry: 3 * time.Second},
		{name: "retry overflow ignored", in: "retry: 20\nretry: 99999999999999999999\n", retry: 20 * time.Millisecond},
		{name: "retry largest accepted", in: "retry: 9223372036854\n", retry: 9223372036854 * time.Millisecond},
		{name: "retry just too large", in: "retry: 5\nretry: 9223372036855\n", retry: 5 * time.Millisecond},
		{name: "retry sign", in: "retry: +5\n"},
		{name: "retry unterminated ignored", in: "retry: 5"},
		// End of stream: pending data discarded.
		{name: "unterminated event", in: "data: a\n\ndata: b\n", want: []Event{msg("a", "")}},
		{name: "unterminated line", in: "data: a\n\ndata: b", want: []Event{msg("a", "")}},
		// UTF-8 decoding, as browsers do.
		{name: "utf8 replaced in data", in: "data: a\xe2\x82\n\n", want: []Event{msg("a\uFFFD", "")}},
		{name: "utf8 replaced in type", in: "event: \xc0\xaf\ndata: x\n\n", want: []Event{{Type: "\uFFFD\uFFFD", Data: "x"}}},
		{name: "utf8 across lines of one event", in: "data: \xf0\x9f\ndata: \x98\x80\n\n", want: []Event{msg("\uFFFD\n\uFFFD\uFFFD", "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, r := range map[string]io.Reader{
				"whole":    strings.NewReader(tt.in),
				"one-byte": iotest.OneByteReader(strings.NewReader(tt.in)),
			} {
				got := scanAll(r, 0)
				if got.err != nil {
					t.Fatalf("%s: Err() = %v", name, got.err)
				}
				if len(got.events) != 0 || len(tt.want) != 0 {
					if !reflect.DeepEqual(got.events, tt.want) {
						t.Errorf("%s: events\n got %q\nwant %q", name, got.events, tt.want)
					}
				}
				if got.retryOK != (tt.retry != 0) || got.retry != tt.retry {
					t.Errorf("%s: Retry() = %v, %v; want %v", name, got.retry, got.retryOK, tt.retry)
				}
				if got.lastID != tt.lastID {
					t.Errorf("%s: LastEventID() = %q, want %q", name, got.lastID, tt.lastID)
				}
				if tt.comment != nil && !reflect.DeepEqual(got.comments, tt.comment) {
					t.Errorf("%s: comments %q, want %q", name, got.comments, tt.comment)
				}
			}
		})
	}
}

// TestLiveness checks that an event whose blank line has been read is
// returned without another Read: the writer side of the pipe pauses after
// the event, so a Scanner that waits for more bytes deadlocks.
func TestLiveness(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tt := range []struct {
		name, first, rest string
		want              []string
	}{
		{"lf", "data: x\n\n", "data: y\n\n", []string{"x", "y"}},
		{"cr cr", "data: x\r\r", "\ndata: y\n\n", []string{"x", "y"}}, // the LF ends the CR line
		{"crlf cr", "data: x\r\n\r", "\ndata: y\r\n\r\n", []string{"x", "y"}},
		{"cr then cr lf", "data: x\r\r", "\r\ndata: y\n\n", []string{"x", "y"}}, // then one blank line
		{"cr at end, then data", "data: x\r\r", "data: y\r\r", []string{"x", "y"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			s := NewScanner(pr)
			go pw.Write([]byte(tt.first))
			var ok bool
			waitFor(t, "Next after a complete event", func() { ok = s.Next() })
			if !ok || string(s.Data()) != tt.want[0] {
				t.Fatalf("first event: ok=%v data=%q err=%v", ok, s.Data(), s.Err())
			}
			go func() {
				pw.Write([]byte(tt.rest))
				pw.Close()
			}()
			var got []string
			waitFor(t, "the rest of the stream", func() {
				for s.Next() {
					got = append(got, string(s.Data()))
				}
			})
			if !reflect.DeepEqual(got, tt.want[1:]) || s.Err() != nil {
				t.Fatalf("rest: %q (err %v), want %q", got, s.Err(), tt.want[1:])
			}
		})
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestLimits(t *testing.T) {
	const max = 100
	line := func(n int) string { return "data: " + strings.Repeat("x", n-6) }
	for _, tt := range []struct {
		name    string
		in      string
		tooLong bool
	}{
		{"line at limit", line(max) + "\n\n", false},
		{"line over limit", line(max+1) + "\n\n", true},
		{"line over limit cr", line(max+1) + "\r\r", true},
		{"comment over limit", ":" + strings.Repeat("c", max) + "\ndata: x\n\n", true},
		// 94 + LF + 5 bytes of data is exactly the limit; one more is over.
		{"event data at limit", line(max) + "\ndata: yyyyy\n\n", false},
		{"event data over limit", line(max) + "\ndata: yyyyyy\n\n", true},
		{"many lines over limit", strings.Repeat("data: abcdefghij\n", 10) + "\n", true},
		{"unterminated over limit", line(max + 1), true},
	} {
		for _, feed := range []string{"whole", "one-byte"} {
			t.Run(tt.name+"/"+feed, func(t *testing.T) {
				var r io.Reader = strings.NewReader(tt.in)
				if feed == "one-byte" {
					r = iotest.OneByteReader(r)
				}
				s := NewScanner(r)
				s.Buffer(nil, max)
				for s.Next() {
					if len(s.Data()) > max {
						t.Fatalf("event data of %d bytes exceeds the limit", len(s.Data()))
					}
				}
				if got := errors.Is(s.Err(), ErrTooLong); got != tt.tooLong {
					t.Fatalf("Err() = %v, want ErrTooLong: %v", s.Err(), tt.tooLong)
				}
				if tt.tooLong && !strings.Contains(s.Err().Error(), "100 bytes") {
					t.Errorf("error %q does not state the limit", s.Err())
				}
			})
		}
	}
}

// TestLimitStopsReading checks that a Scanner does not keep reading (or
// buffering) an endless line: it stops within a bounded distance of the
// limit.
func TestLimitStopsReading(t *testing.T) {
	const max = 1000
	endless := io.MultiReader(strings.NewReader("data: "), neverEnding('x'))
	cr := &countingReader{r: endless}
	s := NewScanner(cr)
	s.Buffer(nil, max)
	if s.Next() {
		t.Fatal("Next returned an event")
	}
	if !errors.Is(s.Err(), ErrTooLong) {
		t.Fatalf("Err() = %v", s.Err())
	}
	if cr.n > 2*(max+1) {
		t.Errorf("read %d bytes for a limit of %d", cr.n, max)
	}
	if cap(s.buf) > max+1 {
		t.Errorf("buffer grew to %d bytes for a limit of %d", cap(s.buf), max)
	}
}

type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func TestBufferAfterNextPanics(t *testing.T) {
	s := NewScanner(strings.NewReader("data: x\n\n"))
	s.Next()
	defer func() {
		if recover() == nil {
			t.Fatal("Buffer after Next did not panic")
		}
	}()
	s.Buffer(nil, 10)
}

func TestBufferGiven(t *testing.T) {
	buf := make([]byte, 8)
	s := NewScanner(iotest.HalfReader(strings.NewReader("id: 1\ndata: hello world\n\nevent: t\ndata: a\ndata: b\n\n")))
	s.Buffer(buf, 64)
	var got []Event
	for s.Next() {
		var e Event
		s.Decode(&e)
		got = append(got, e)
	}
	want := []Event{{Type: "message", ID: "1", Data: "hello world"}, {Type: "t", ID: "1", Data: "a\nb"}}
	if s.Err() != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, err %v; want %q", got, s.Err(), want)
	}
}

func TestReaderErrors(t *testing.T) {
	errBoom := errors.New("boom")
	t.Run("error after data", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader("data: a\n\ndata: partial\n"), iotest.ErrReader(errBoom))
		got := scanAll(r, 0)
		if len(got.events) != 1 || got.events[0].Data != "a" || !errors.Is(got.err, errBoom) {
			t.Fatalf("events %q, err %v", got.events, got.err)
		}
	})
	t.Run("data with error", func(t *testing.T) {
		got := scanAll(iotest.DataErrReader(strings.NewReader("data: a\n\n")), 0)
		if len(got.events) != 1 || got.err != nil {
			t.Fatalf("events %q, err %v", got.events, got.err)
		}
	})
	t.Run("no progress", func(t *testing.T) {
		got := scanAll(emptyReader{}, 0)
		if !errors.Is(got.err, io.ErrNoProgress) {
			t.Fatalf("err %v", got.err)
		}
	})
	t.Run("timeout error is sticky", func(t *testing.T) {
		s := NewScanner(iotest.TimeoutReader(strings.NewReader("data: a\n\n")))
		s.Buffer(make([]byte, 4), 64)
		for s.Next() {
		}
		if !errors.Is(s.Err(), iotest.ErrTimeout) || s.Next() {
			t.Fatalf("err %v", s.Err())
		}
	})
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func TestResetKeepsStreamState(t *testing.T) {
	s := NewScanner(strings.NewReader("retry: 10\nid: 4\ndata: a\n\nid: 5\ndata: partial"))
	if !s.Next() || s.LastEventID() != "4" {
		t.Fatalf("first stream: %q %q", s.Data(), s.LastEventID())
	}
	if s.Next() {
		t.Fatal("partial event dispatched")
	}
	s.Reset(strings.NewReader("\uFEFFdata: b\n\n"))
	if !s.Next() || string(s.Data()) != "b" || string(s.ID()) != "4" {
		t.Fatalf("after Reset: data %q id %q err %v", s.Data(), s.ID(), s.Err())
	}
	if d, ok := s.Retry(); !ok || d != 10*time.Millisecond {
		t.Fatalf("Retry() = %v %v", d, ok)
	}
	s.SetLastEventID("seed")
	s.Reset(strings.NewReader("data: c\n\n"))
	if !s.Next() || string(s.ID()) != "seed" || s.LastEventID() != "seed" {
		t.Fatalf("after SetLastEventID: id %q", s.ID())
	}
}

func TestResetClearsError(t *testing.T) {
	s := NewScanner(iotest.ErrReader(errors.New("x")))
	if s.Next() || s.Err() == nil {
		t.Fatal("want error")
	}
	s.Reset(strings.NewReader("data: ok\n\n"))
	if !s.Next() || string(s.Data()) != "ok" {
		t.Fatalf("after Reset: %q %v", s.Data(), s.Err())
	}
}

func TestComments(t *testing.T) {
	got := scanAll(strings.NewReader(": ping\n:\n:\xff\r\n:: x\n"), 0)
	want := []string{"ping", "", "\uFFFD", ": x"}
	if !reflect.DeepEqual(got.comments, want) || len(got.events) != 0 {
		t.Fatalf("comments %q events %q", got.comments, got.events)
	}
}

// counter decodes a number without keeping the slices it is given.
type counter struct{ n int }

func (c *counter) SetEvent(typ, id, data []byte) error {
	if string(typ) == "fail" {
		return errors.New("counter: refused")
	}
	c.n += len(data)
	return nil
}

func TestDecode(t *testing.T) {
	s := NewScanner(strings.NewReader("data: abc\n\nevent: fail\ndata: x\n\n"))
	var c counter
	if err := s.Decode(&c); err == nil {
		t.Fatal("Decode before Next succeeded")
	}
	if !s.Next() || s.Decode(&c) != nil || c.n != 3 {
		t.Fatalf("decode: %v %d", s.Err(), c.n)
	}
	if !s.Next() || s.Decode(&c) == nil {
		t.Fatal("SetEvent error not returned")
	}
	if s.Next() || s.Decode(&c) == nil {
		t.Fatal("Decode after the end succeeded")
	}
}

func TestDecodeJSON(t *testing.T) {
	s := NewScanner(strings.NewReader("data: {\"n\": 3}\n\nevent: bad\ndata: {\n\n"))
	var v struct{ N int }
	if !s.Next() || s.DecodeJSON(&v) != nil || v.N != 3 {
		t.Fatalf("DecodeJSON: %+v", v)
	}
	if !s.Next() {
		t.Fatal(s.Err())
	}
	err := s.DecodeJSON(&v)
	if err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Fatalf("error %v does not name the event", err)
	}
}

func TestEventSetEventReusesStrings(t *testing.T) {
	var e Event
	e.SetEvent([]byte("message"), []byte("1"), []byte("a"))
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

// TestViewsAcrossRefills checks the current event's views when events span
// buffer refills, compaction and growth, against the same stream read
// whole.
func TestViewsAcrossRefills(t *testing.T) {
	var b bytes.Buffer
	for i := range 300 {
		b.WriteString("id: ")
		b.WriteString(strings.Repeat("i", i%7))
		b.WriteString("\ndata: ")
		b.WriteString(strings.Repeat("d", i%41))
		if i%3 == 0 {
			b.WriteString("\ndata: second")
		}
		b.WriteString("\n\n")
	}
	want := scanAll(bytes.NewReader(b.Bytes()), 0)
	for _, size := range []int{1, 16, 33} {
		for seed := range uint64(4) {
			s := NewScanner(randomChunks(b.Bytes(), seed, 13))
			s.Buffer(make([]byte, size), 1<<20)
			i := 0
			for s.Next() {
				w := want.events[i]
				if string(s.Data()) != w.Data || string(s.ID()) != w.ID || string(s.Type()) != w.Type {
					t.Fatalf("size %d seed %d event %d: %q %q, want %q %q", size, seed, i, s.ID(), s.Data(), w.ID, w.Data)
				}
				i++
			}
			if i != len(want.events) || s.Err() != nil {
				t.Fatalf("size %d: %d events, err %v", size, i, s.Err())
			}
		}
	}
}

// TestLongLineUTF8 puts invalid UTF-8 at the start, middle and end of lines
// long and short, after runs of lines of the other length, so that both
// line searches (and the switch between them) must decode it.
func TestLongLineUTF8(t *testing.T) {
	long := strings.Repeat("a", 300)
	var in strings.Builder
	var want []Event
	for _, body := range []string{"\xffx" + long, long + "\xe2\x82" + long, long + "\xc0", "\xff", "ok", long, "\xed\xa0\x80"} {
		for _, prefix := range []string{"data: ", "id: 1\ndata: "} {
			in.WriteString(prefix + body + "\n\n")
			id := ""
			if len(want) > 0 {
				id = want[len(want)-1].ID
			}
			if strings.HasPrefix(prefix, "id") {
				id = "1"
			}
			want = append(want, Event{Type: "message", ID: id, Data: string(appendUTF8(nil, []byte(body)))})
		}
	}
	got := scanAll(strings.NewReader(in.String()), 0)
	if got.err != nil || !reflect.DeepEqual(got.events, want) {
		t.Fatalf("got %q (err %v)\nwant %q", got.events, got.err, want)
	}
	for _, e := range got.events {
		if !utf8.ValidString(e.Data) {
			t.Fatalf("invalid UTF-8 in %q", e.Data)
		}
	}
}
