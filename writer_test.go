package sse_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fastsse/sse"
)

// writerCase is an event and the exact bytes Send must write for it.
type writerCase struct {
	name string
	e    sse.Event
	want string
}

var writerCases = []writerCase{
	{"data only", sse.Event{Data: "hello"}, "data: hello\n\n"},
	{"empty data", sse.Event{}, "data:\n\n"},
	{"all fields", sse.Event{Type: "update", ID: "42", Data: "x", Retry: 1500 * time.Millisecond},
		"event: update\nid: 42\nretry: 1500\ndata: x\n\n"},
	{"sub-millisecond retry rounds down", sse.Event{Data: "x", Retry: 2*time.Millisecond + 999*time.Microsecond},
		"retry: 2\ndata: x\n\n"},
	{"LF", sse.Event{Data: "a\nb"}, "data: a\ndata: b\n\n"},
	{"CRLF", sse.Event{Data: "a\r\nb"}, "data: a\ndata: b\n\n"},
	{"CR", sse.Event{Data: "a\rb"}, "data: a\ndata: b\n\n"},
	{"LF CR is two breaks", sse.Event{Data: "a\n\rb"}, "data: a\ndata:\ndata: b\n\n"},
	{"CR CR LF", sse.Event{Data: "a\r\r\nb"}, "data: a\ndata:\ndata: b\n\n"},
	{"trailing break", sse.Event{Data: "a\n"}, "data: a\ndata:\n\n"},
	{"leading break", sse.Event{Data: "\r\na"}, "data:\ndata: a\n\n"},
	{"only a break", sse.Event{Data: "\r"}, "data:\ndata:\n\n"},
	{"leading space kept", sse.Event{Type: " t", ID: " 1", Data: "  two"}, "event:  t\nid:  1\ndata:   two\n\n"},
	{"NUL in data", sse.Event{Data: "a\x00b"}, "data: a\x00b\n\n"},
	{"colon in values", sse.Event{Type: "a:b", ID: ":", Data: ": not a comment"},
		"event: a:b\nid: :\ndata: : not a comment\n\n"},
	{"unicode", sse.Event{Type: "ünï", Data: "日本\u2028語"}, "event: ünï\ndata: 日本\u2028語\n\n"},
}

func TestWriterSend(t *testing.T) {
	for _, tc := range writerCases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := sse.NewWriter(&buf).Send(tc.e); err != nil {
				t.Fatalf("Send(%+v): %v", tc.e, err)
			}
			if got := buf.String(); got != tc.want {
				t.Errorf("Send(%+v) wrote %q, want %q", tc.e, got, tc.want)
			}
			// SendBytes writes the same bytes for the same values.
			if tc.e.Retry == 0 {
				buf.Reset()
				err := sse.NewWriter(&buf).SendBytes([]byte(tc.e.Type), []byte(tc.e.ID), []byte(tc.e.Data))
				if err != nil {
					t.Fatalf("SendBytes: %v", err)
				}
				if got := buf.String(); got != tc.want {
					t.Errorf("SendBytes wrote %q, want %q", got, tc.want)
				}
			}
		})
	}
}

// TestWriterSendReadBack reads the cases back with a Scanner: the data comes
// back with its line breaks as LF, everything else exactly.
func TestWriterSendReadBack(t *testing.T) {
	var buf bytes.Buffer
	w := sse.NewWriter(&buf)
	lastID := ""
	var want []sse.Event
	for _, tc := range writerCases {
		if err := w.Send(tc.e); err != nil {
			t.Fatalf("Send(%+v): %v", tc.e, err)
		}
		if tc.e.ID != "" {
			lastID = tc.e.ID
		}
		typ := tc.e.Type
		if typ == "" {
			typ = sse.DefaultType
		}
		data := strings.ReplaceAll(strings.ReplaceAll(tc.e.Data, "\r\n", "\n"), "\r", "\n")
		want = append(want, sse.Event{Type: typ, ID: lastID, Data: data})
	}
	s := sse.NewScanner(&buf)
	for i := 0; s.Next(); i++ {
		var got sse.Event
		if err := s.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if i >= len(want) {
			t.Fatalf("extra event %+v", got)
		}
		if got != want[i] {
			t.Errorf("event %d (%s): got %+v, want %+v", i, writerCases[i].name, got, want[i])
		}
		want[i] = sse.Event{Type: "seen"}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	for i, e := range want {
		if e.Type != "seen" {
			t.Errorf("event %d (%s) not read back", i, writerCases[i].name)
		}
	}
	if d, ok := s.Retry(); !ok || d != 2*time.Millisecond {
		t.Errorf("Retry() = %v, %v; want 2ms, true", d, ok)
	}
}

func TestWriterComment(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", ":\n"},
		{"ping", ": ping\n"},
		{" indented", ":  indented\n"},
		{"a\nb\r\nc\rd", ": a\n: b\n: c\n: d\n"},
		{"a\n\nb", ": a\n:\n: b\n"},
		{"end\n", ": end\n:\n"},
		{"nul\x00ok", ": nul\x00ok\n"},
	} {
		var buf bytes.Buffer
		if err := sse.NewWriter(&buf).Comment(tc.text); err != nil {
			t.Fatalf("Comment(%q): %v", tc.text, err)
		}
		if got := buf.String(); got != tc.want {
			t.Errorf("Comment(%q) wrote %q, want %q", tc.text, got, tc.want)
		}
		// A Scanner sees the lines as comments and dispatches nothing.
		var lines []string
		s := sse.NewScanner(&buf)
		s.OnComment(func(c []byte) { lines = append(lines, string(c)) })
		if s.Next() {
			t.Errorf("Comment(%q): a comment dispatched an event", tc.text)
		}
		norm := strings.ReplaceAll(strings.ReplaceAll(tc.text, "\r\n", "\n"), "\r", "\n")
		if got := strings.Join(lines, "\n"); got != norm {
			t.Errorf("Comment(%q) read back as %q, want %q", tc.text, got, norm)
		}
	}
}

func TestWriterField(t *testing.T) {
	var buf bytes.Buffer
	w := sse.NewWriter(&buf)
	steps := []struct {
		do   func() error
		want string
	}{
		{func() error { return w.Field("event", "tick") }, "event: tick\n"},
		{func() error { return w.Field("id", "") }, "id:\n"},
		{func() error { return w.Field("data", "1\n2") }, "data: 1\ndata: 2\n"},
		{func() error { return w.Field("retry", "0250") }, "retry: 0250\n"},
		{func() error { return w.Field("retry", "9223372036854") }, "retry: 9223372036854\n"}, // the largest a reader takes
		{func() error { return w.Field("x-custom", " v:w") }, "x-custom:  v:w\n"},
		{w.Dispatch, "\n"},
		{func() error { return w.Retry(3 * time.Second) }, "retry: 3000\n"},
		{func() error { return w.Retry(0) }, "retry: 0\n"},
		{func() error { return w.Field("data", "") }, "data:\n"},
		{func() error { return w.Send(sse.Event{Type: "joined", Data: "3"}) }, "event: joined\ndata: 3\n\n"},
	}
	for i, st := range steps {
		buf.Reset()
		if err := st.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := buf.String(); got != st.want {
			t.Errorf("step %d wrote %q, want %q", i, got, st.want)
		}
	}
}

// TestWriterFieldReadBack checks what a reader makes of events built with
// Field and Dispatch.
func TestWriterFieldReadBack(t *testing.T) {
	var buf bytes.Buffer
	w := sse.NewWriter(&buf)
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(w.Send(sse.Event{ID: "1", Data: "a"}))
	check(w.Field("event", "tick"))
	check(w.Field("data", "b"))
	check(w.Field("unknown", "ignored"))
	check(w.Field("retry", "250"))
	check(w.Dispatch())
	check(w.Field("id", ""))
	check(w.Send(sse.Event{Data: "c"}))
	check(w.Field("event", "no data, nothing dispatched"))
	check(w.Dispatch())
	check(w.Send(sse.Event{Data: "d"}))

	want := []sse.Event{
		{Type: "message", ID: "1", Data: "a"},
		{Type: "tick", ID: "1", Data: "b"},
		{Type: "message", ID: "", Data: "c"},
		{Type: "message", ID: "", Data: "d"},
	}
	s := sse.NewScanner(&buf)
	var got []sse.Event
	for s.Next() {
		var e sse.Event
		check(s.Decode(&e))
		got = append(got, e)
	}
	check(s.Err())
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	if d, ok := s.Retry(); !ok || d != 250*time.Millisecond {
		t.Errorf("Retry() = %v, %v; want 250ms, true", d, ok)
	}
}

func TestWriterInvalid(t *testing.T) {
	cases := []struct {
		name string
		do   func(w *sse.Writer) error
		msg  string // part of the error message
	}{
		{"LF in type", func(w *sse.Writer) error { return w.Send(sse.Event{Type: "a\nb"}) }, "event holds LF at byte 1"},
		{"CR in type", func(w *sse.Writer) error { return w.Send(sse.Event{Type: "\r"}) }, "event holds CR at byte 0"},
		{"NUL in type", func(w *sse.Writer) error { return w.Send(sse.Event{Type: "ab\x00"}) }, "event holds NUL at byte 2"},
		{"LF in id", func(w *sse.Writer) error { return w.Send(sse.Event{ID: "1\n", Data: "x"}) }, "id holds LF at byte 1"},
		{"NUL in id", func(w *sse.Writer) error { return w.Send(sse.Event{ID: "\x00"}) }, "id holds NUL at byte 0"},
		{"invalid UTF-8 in data", func(w *sse.Writer) error { return w.Send(sse.Event{Data: "ok\xff"}) }, "data holds invalid UTF-8 at byte 2"},
		{"invalid UTF-8 in type", func(w *sse.Writer) error { return w.Send(sse.Event{Type: "\xe2\x82"}) }, "event holds invalid UTF-8 at byte 0"},
		{"surrogate in id", func(w *sse.Writer) error { return w.Send(sse.Event{ID: "a\xed\xa0\x80"}) }, "id holds invalid UTF-8 at byte 1"},
		{"negative retry", func(w *sse.Writer) error { return w.Send(sse.Event{Retry: -time.Millisecond}) }, "negative"},
		{"SendBytes LF in type", func(w *sse.Writer) error { return w.SendBytes([]byte("a\n"), nil, nil) }, "event holds LF at byte 1"},
		{"SendBytes NUL in id", func(w *sse.Writer) error { return w.SendBytes(nil, []byte("\x00"), nil) }, "id holds NUL"},
		{"SendBytes invalid data", func(w *sse.Writer) error { return w.SendBytes(nil, nil, []byte{0x80}) }, "data holds invalid UTF-8 at byte 0"},
		{"invalid UTF-8 comment", func(w *sse.Writer) error { return w.Comment("a\nb\xc0") }, "comment holds invalid UTF-8 at byte 3"},
		{"empty name", func(w *sse.Writer) error { return w.Field("", "x") }, "empty field name"},
		{"colon in name", func(w *sse.Writer) error { return w.Field("a:b", "x") }, "colon at byte 1"},
		{"name is a colon", func(w *sse.Writer) error { return w.Field(":", "x") }, "colon at byte 0"},
		{"LF in name", func(w *sse.Writer) error { return w.Field("a\n", "x") }, "LF at byte 1"},
		{"NUL in name", func(w *sse.Writer) error { return w.Field("\x00", "x") }, "NUL at byte 0"},
		{"BOM name", func(w *sse.Writer) error { return w.Field("\uFEFFdata", "x") }, "byte order mark"},
		{"invalid UTF-8 name", func(w *sse.Writer) error { return w.Field("n\xff", "x") }, "field name holds invalid UTF-8 at byte 1"},
		{"LF in event field", func(w *sse.Writer) error { return w.Field("event", "a\nb") }, "event holds LF at byte 1"},
		{"NUL in id field", func(w *sse.Writer) error { return w.Field("id", "1\x00") }, "id holds NUL at byte 1"},
		{"CR in custom field", func(w *sse.Writer) error { return w.Field("x", "\r") }, "x holds CR at byte 0"},
		{"invalid UTF-8 data field", func(w *sse.Writer) error { return w.Field("data", "\xff") }, "invalid UTF-8"},
		{"empty retry field", func(w *sse.Writer) error { return w.Field("retry", "") }, "not a number"},
		{"signed retry field", func(w *sse.Writer) error { return w.Field("retry", "-1") }, "not a number"},
		{"retry field with space", func(w *sse.Writer) error { return w.Field("retry", "1 ") }, "not a number"},
		{"retry field past time.Duration", func(w *sse.Writer) error { return w.Field("retry", "99999999999999999999") }, "too large"},
		{"retry field one past the largest", func(w *sse.Writer) error { return w.Field("retry", "9223372036855") }, "too large"},
		{"negative Retry", func(w *sse.Writer) error { return w.Retry(-time.Second) }, "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var dst writerCounter
			err := tc.do(sse.NewWriter(&dst))
			if !errors.Is(err, sse.ErrInvalidField) {
				t.Fatalf("got error %v, want one wrapping ErrInvalidField", err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
			if dst.writes != 0 || dst.flushes != 0 || dst.buf.Len() != 0 {
				t.Errorf("refused value wrote %q (%d writes, %d flushes)", dst.buf.String(), dst.writes, dst.flushes)
			}
		})
	}
}

// writerCounter is a destination that records its writes and flushes.
type writerCounter struct {
	buf      bytes.Buffer
	writes   int
	flushes  int
	flushErr error
}

func (c *writerCounter) Write(p []byte) (int, error) {
	c.writes++
	return c.buf.Write(p)
}

func (c *writerCounter) Flush() error {
	c.flushes++
	return c.flushErr
}

// TestWriterOneWrite checks that each method hands its output to the
// destination in a single Write call, and flushes once after it.
func TestWriterOneWrite(t *testing.T) {
	var dst writerCounter
	w := sse.NewWriter(&dst)
	big := strings.Repeat("line\r\n", 20000) // larger than the buffer the Writer keeps
	calls := []func() error{
		func() error {
			return w.Send(sse.Event{Type: "t", ID: "1", Data: "a\nb\nc", Retry: time.Second})
		},
		func() error { return w.Send(sse.Event{Data: big}) },
		func() error { return w.Send(sse.Event{Data: "after big"}) },
		func() error { return w.SendBytes([]byte("t"), []byte("2"), []byte("x\ry")) },
		func() error { return w.Comment("one\ntwo\nthree") },
		func() error { return w.Field("data", "1\n2\n3") },
		w.Dispatch,
		func() error { return w.Retry(time.Second) },
	}
	for i, call := range calls {
		before := dst.buf.Len()
		if err := call(); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if dst.writes != i+1 || dst.flushes != i+1 {
			t.Fatalf("after call %d: %d writes and %d flushes, want %d of each", i, dst.writes, dst.flushes, i+1)
		}
		if dst.buf.Len() == before {
			t.Fatalf("call %d wrote nothing", i)
		}
	}
	// The big event came through whole.
	s := sse.NewScanner(&dst.buf)
	s.Next()
	if !s.Next() || string(s.Data()) != strings.ReplaceAll(big, "\r\n", "\n") {
		t.Errorf("big event not read back (err %v)", s.Err())
	}
	if !s.Next() || string(s.Data()) != "after big" {
		t.Errorf("event after big not read back (err %v)", s.Err())
	}
}

// writerFlusher implements http.Flusher only.
type writerFlusher struct {
	bytes.Buffer
	flushes int
}

func (f *writerFlusher) Flush() { f.flushes++ }

// writerPlainRW is an http.ResponseWriter that cannot be flushed.
type writerPlainRW struct {
	header http.Header
	bytes.Buffer
}

func (w *writerPlainRW) Header() http.Header { return w.header }
func (w *writerPlainRW) WriteHeader(int)     {}

func TestWriterFlush(t *testing.T) {
	t.Run("Flush() error", func(t *testing.T) {
		var dst writerCounter
		w := sse.NewWriter(&dst)
		if err := w.Comment("x"); err != nil || dst.flushes != 1 {
			t.Fatalf("Comment: err %v, %d flushes; want nil, 1", err, dst.flushes)
		}
		if err := w.Flush(); err != nil || dst.flushes != 2 {
			t.Fatalf("Flush: err %v, %d flushes; want nil, 2", err, dst.flushes)
		}
	})
	t.Run("bufio.Writer", func(t *testing.T) {
		var out bytes.Buffer
		w := sse.NewWriter(bufio.NewWriter(&out))
		if err := w.Send(sse.Event{Data: "x"}); err != nil {
			t.Fatal(err)
		}
		if out.String() != "data: x\n\n" {
			t.Errorf("bufio.Writer not flushed: destination holds %q", out.String())
		}
	})
	t.Run("http.Flusher", func(t *testing.T) {
		var dst writerFlusher
		w := sse.NewWriter(&dst)
		if err := w.Send(sse.Event{Data: "x"}); err != nil || dst.flushes != 1 {
			t.Fatalf("Send: err %v, %d flushes; want nil, 1", err, dst.flushes)
		}
	})
	t.Run("ResponseRecorder", func(t *testing.T) {
		rec := httptest.NewRecorder()
		w := sse.NewWriter(rec)
		if err := w.Send(sse.Event{Data: "x"}); err != nil {
			t.Fatal(err)
		}
		if !rec.Flushed || rec.Body.String() != "data: x\n\n" {
			t.Errorf("recorder: flushed %v, body %q", rec.Flushed, rec.Body.String())
		}
	})
	t.Run("not flushable", func(t *testing.T) {
		var out bytes.Buffer
		w := sse.NewWriter(struct{ io.Writer }{&out})
		if err := w.Send(sse.Event{Data: "x"}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Errorf("Flush on a plain writer: %v", err)
		}
		if out.String() != "data: x\n\n" {
			t.Errorf("wrote %q", out.String())
		}
	})
	t.Run("ResponseWriter without flush", func(t *testing.T) {
		rw := &writerPlainRW{header: http.Header{}}
		w := sse.NewWriter(rw)
		err := w.Send(sse.Event{Data: "x"})
		if !errors.Is(err, sse.ErrNoFlush) || !errors.Is(err, http.ErrNotSupported) {
			t.Errorf("Send: got %v, want an error wrapping ErrNoFlush and http.ErrNotSupported", err)
		}
		if rw.String() != "data: x\n\n" {
			t.Errorf("the event was not written before the flush failed: %q", rw.String())
		}
		w.SetAutoFlush(false)
		if err := w.Send(sse.Event{Data: "y"}); err != nil {
			t.Errorf("Send without auto-flush: %v", err)
		}
	})
	t.Run("flush error", func(t *testing.T) {
		boom := errors.New("boom")
		dst := writerCounter{flushErr: boom}
		err := sse.NewWriter(&dst).Comment("x")
		if !errors.Is(err, boom) || errors.Is(err, sse.ErrNoFlush) {
			t.Errorf("got %v, want an error wrapping the flush error only", err)
		}
	})
	t.Run("SetAutoFlush", func(t *testing.T) {
		var dst writerCounter
		w := sse.NewWriter(&dst)
		w.SetAutoFlush(false)
		for i := range 3 {
			if err := w.Send(sse.Event{Data: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if dst.writes != 3 || dst.flushes != 0 {
			t.Fatalf("auto-flush off: %d writes, %d flushes; want 3, 0", dst.writes, dst.flushes)
		}
		if err := w.Flush(); err != nil || dst.flushes != 1 {
			t.Fatalf("Flush: err %v, %d flushes; want nil, 1", err, dst.flushes)
		}
		w.SetAutoFlush(true)
		if err := w.Comment(""); err != nil || dst.flushes != 2 {
			t.Fatalf("auto-flush back on: err %v, %d flushes; want nil, 2", err, dst.flushes)
		}
	})
}

// writerShort writes at most n bytes per call, reporting no error.
type writerShort struct{ n int }

func (s writerShort) Write(p []byte) (int, error) { return min(len(p), s.n), nil }

// writerFail fails every write.
type writerFail struct{ err error }

func (f writerFail) Write([]byte) (int, error) { return 0, f.err }

func TestWriterWriteErrors(t *testing.T) {
	if err := sse.NewWriter(writerShort{3}).Send(sse.Event{Data: "x"}); err != io.ErrShortWrite {
		t.Errorf("short write: got %v, want io.ErrShortWrite", err)
	}
	boom := errors.New("boom")
	w := sse.NewWriter(writerFail{boom})
	if err := w.Comment("x"); !errors.Is(err, boom) {
		t.Errorf("failed write: got %v, want %v", err, boom)
	}
	if err := w.Send(sse.Event{Data: "x"}); !errors.Is(err, boom) {
		t.Errorf("failed write: got %v, want %v", err, boom)
	}
}

// writerDiscard is a flushable io.Discard.
type writerDiscard struct{ flushes int }

func (d *writerDiscard) Write(p []byte) (int, error) { return len(p), nil }
func (d *writerDiscard) Flush() error                { d.flushes++; return nil }

// writerDiscardRW is a flushable http.ResponseWriter that discards what it
// is given.
type writerDiscardRW struct{ flushes int }

func (*writerDiscardRW) Header() http.Header         { return nil }
func (*writerDiscardRW) WriteHeader(int)             {}
func (*writerDiscardRW) Write(p []byte) (int, error) { return len(p), nil }
func (d *writerDiscardRW) Flush()                    { d.flushes++ }

func TestWriterNoAllocs(t *testing.T) {
	t.Run("io.Writer", func(t *testing.T) {
		dst := &writerDiscard{}
		writerNoAllocs(t, sse.NewWriter(dst), &dst.flushes)
	})
	t.Run("http.ResponseWriter", func(t *testing.T) {
		dst := &writerDiscardRW{}
		writerNoAllocs(t, sse.NewWriter(dst), &dst.flushes)
	})
}

// writerNoAllocs checks that every method of w allocates nothing and
// flushes, counted by *flushes.
func writerNoAllocs(t *testing.T, w *sse.Writer, flushes *int) {
	e := sse.Event{Type: "update", ID: "12345", Data: `{"a":1}` + "\n" + `{"b":2}`, Retry: time.Second}
	typ, id, data := []byte("update"), []byte("12345"), []byte(strings.Repeat(`{"k":"v"}`, 400))
	for _, tc := range []struct {
		name string
		f    func() error
	}{
		{"Send", func() error { return w.Send(e) }},
		{"SendBytes", func() error { return w.SendBytes(typ, id, data) }},
		{"Comment", func() error { return w.Comment("heartbeat\nsecond line") }},
		{"Field", func() error { return w.Field("data", "one\r\ntwo") }},
		{"Field custom", func() error { return w.Field("x-trace", "abc") }},
		{"Field retry", func() error { return w.Field("retry", "1000") }},
		{"Retry", func() error { return w.Retry(time.Second) }},
		{"Dispatch", w.Dispatch},
	} {
		before := *flushes
		allocs := testing.AllocsPerRun(100, func() {
			if err := tc.f(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per call, want 0", tc.name, allocs)
		}
		if *flushes == before {
			t.Errorf("%s: not flushed", tc.name)
		}
	}
}

func ExampleWriter() {
	w := sse.NewWriter(os.Stdout)
	w.Comment("a stream of two events")
	w.Send(sse.Event{Type: "greeting", ID: "1", Data: "hello\nworld"})
	w.Send(sse.Event{Data: " leading space is kept", Retry: 5 * time.Second})
	// Output:
	// : a stream of two events
	// event: greeting
	// id: 1
	// data: hello
	// data: world
	//
	// retry: 5000
	// data:  leading space is kept
}

func ExampleWriter_Field() {
	w := sse.NewWriter(os.Stdout)
	w.Field("event", "progress")
	w.Field("data", "50%")
	w.Dispatch()
	err := w.Field("id", "7\nevent: injected")
	fmt.Println(errors.Is(err, sse.ErrInvalidField), err)
	// Output:
	// event: progress
	// data: 50%
	//
	// true sse: invalid field: id holds LF at byte 1
}

func ExampleWriter_SetAutoFlush() {
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	w := sse.NewWriter(bw) // bufio.Writer has Flush() error: flushed after each event
	w.SetAutoFlush(false)  // batch instead
	for i := range 3 {
		w.Send(sse.Event{ID: fmt.Sprint(i), Data: "tick"})
	}
	fmt.Println("before Flush:", out.Len(), "bytes")
	w.Flush()
	fmt.Println("after Flush:", out.Len(), "bytes")
	// Output:
	// before Flush: 0 bytes
	// after Flush: 54 bytes
}
