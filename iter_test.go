package sse_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/fastsse/sse"
)

// iterInput exercises what the iterators must carry through: the default
// type, a named type, ids that persist and change, multi-line data, a
// comment, a retry field, CRLF and CR line ends, and a block without data
// (nothing dispatched) before an unterminated one (discarded).
const iterInput = "retry: 1000\n" +
	"data: first\n\n" +
	": comment\n" +
	"event: update\r\nid: 7\r\ndata: {\"n\":1}\r\n\r\n" +
	"data: two\rdata: lines\r\r" +
	"id: 8\nevent: ignored\n\n" +
	"id\ndata: cleared id\n\n" +
	"data: unterminated"

var iterWant = []sse.Event{
	{Type: "message", ID: "", Data: "first"},
	{Type: "update", ID: "7", Data: `{"n":1}`},
	{Type: "message", ID: "7", Data: "two\nlines"},
	{Type: "message", ID: "", Data: "cleared id"},
}

// scanAll reads every event with the Scanner's Next loop, the reference the
// iterators are checked against.
func scanAll(t *testing.T, r io.Reader) []sse.Event {
	t.Helper()
	s := sse.NewScanner(r)
	var got []sse.Event
	for s.Next() {
		got = append(got, sse.Event{Type: string(s.Type()), ID: string(s.ID()), Data: string(s.Data())})
	}
	if err := s.Err(); err != nil {
		t.Fatalf("Scanner.Err() = %v", err)
	}
	return got
}

func TestEvents(t *testing.T) {
	s := sse.NewScanner(strings.NewReader(iterInput))
	var got []sse.Event
	for ev, err := range s.Events() {
		if err != nil {
			t.Fatalf("Events yielded error %v", err)
		}
		got = append(got, ev)
	}
	if !reflect.DeepEqual(got, iterWant) {
		t.Errorf("Events:\n got %q\nwant %q", got, iterWant)
	}
	if ref := scanAll(t, strings.NewReader(iterInput)); !reflect.DeepEqual(got, ref) {
		t.Errorf("Events and the Next loop differ:\n Events %q\n   Next %q", got, ref)
	}
	// The iterator reads through the Scanner, whose state it leaves as a
	// Next loop would.
	if d, ok := s.Retry(); d.Milliseconds() != 1000 || !ok {
		t.Errorf("Retry() = %v, %v after Events; want 1s, true", d, ok)
	}
	if s.Next() {
		t.Errorf("Next() = true after Events ended")
	}
}

func TestEventsChunked(t *testing.T) {
	// One byte per Read: the iterator must not depend on how input arrives.
	r := iotest.OneByteReader(strings.NewReader(iterInput))
	var got []sse.Event
	for ev, err := range sse.NewScanner(r).Events() {
		if err != nil {
			t.Fatalf("Events yielded error %v", err)
		}
		got = append(got, ev)
	}
	if !reflect.DeepEqual(got, iterWant) {
		t.Errorf("Events over one-byte reads:\n got %q\nwant %q", got, iterWant)
	}
}

var errBoom = errors.New("boom")

// failingInput is two events, an unfinished one, then a read error.
func failingInput() io.Reader {
	return io.MultiReader(strings.NewReader("data: a\n\nid: 2\ndata: b\n\ndata: c"), iotest.ErrReader(errBoom))
}

func TestEventsError(t *testing.T) {
	var evs []sse.Event
	var errs []error
	for ev, err := range sse.NewScanner(failingInput()).Events() {
		if err != nil {
			if ev != (sse.Event{}) {
				t.Errorf("error %v yielded with event %q; want the zero Event", err, ev)
			}
			errs = append(errs, err)
			continue
		}
		if len(errs) > 0 {
			t.Errorf("event %q yielded after an error", ev)
		}
		evs = append(evs, ev)
	}
	want := []sse.Event{{Type: "message", Data: "a"}, {Type: "message", ID: "2", Data: "b"}}
	if !reflect.DeepEqual(evs, want) {
		t.Errorf("events = %q; want %q", evs, want)
	}
	if len(errs) != 1 || !errors.Is(errs[0], errBoom) {
		t.Errorf("errors = %v; want exactly [%v]", errs, errBoom)
	}
}

func TestEventsTooLong(t *testing.T) {
	s := sse.NewScanner(strings.NewReader("data: ok\n\ndata: 0123456789abcdef\n\ndata: never\n\n"))
	s.Buffer(nil, 12)
	var data []string
	var last error
	for ev, err := range s.Events() {
		if err != nil {
			last = err
			break
		}
		data = append(data, ev.Data)
	}
	if !reflect.DeepEqual(data, []string{"ok"}) {
		t.Errorf("events before the limit = %q; want [ok]", data)
	}
	if !errors.Is(last, sse.ErrTooLong) {
		t.Errorf("final error = %v; want one wrapping ErrTooLong", last)
	}
}

func TestEventsBreakResumes(t *testing.T) {
	s := sse.NewScanner(strings.NewReader("data: 1\n\ndata: 2\n\ndata: 3\n\n"))
	var got []string
	for ev, err := range s.Events() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.Data)
		break
	}
	// A Next loop picks up where the range loop stopped...
	if !s.Next() || string(s.Data()) != "2" {
		t.Fatalf("Next after break: data %q; want 2", s.Data())
	}
	// ...and so does a new range loop.
	for ev, err := range s.Events() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.Data)
	}
	if want := []string{"1", "3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ranged events = %q; want %q", got, want)
	}
}

func TestIteratorsBreakBeforeError(t *testing.T) {
	// Breaking on the last event of a stream that then fails must end the
	// loop: calling yield again after it returned false would panic.
	for ev, err := range sse.NewScanner(failingInput()).Events() {
		if err != nil {
			t.Fatalf("Events: error %v yielded before the break", err)
		}
		if ev.Data == "b" {
			break
		}
	}
	for v, err := range sse.NewScanner(failingInput()).Views() {
		if err != nil {
			t.Fatalf("Views: error %v yielded before the break", err)
		}
		if string(v.Data) == "b" {
			break
		}
	}
	for ev, err := range sse.Read(failingInput()) {
		if err != nil {
			t.Fatalf("Read: error %v yielded before the break", err)
		}
		if ev.Data == "b" {
			break
		}
	}
}

func TestViews(t *testing.T) {
	var got []sse.Event
	for v, err := range sse.NewScanner(strings.NewReader(iterInput)).Views() {
		if err != nil {
			t.Fatalf("Views yielded error %v", err)
		}
		got = append(got, sse.Event{Type: string(v.Type), ID: string(v.ID), Data: string(v.Data)})
	}
	if !reflect.DeepEqual(got, iterWant) {
		t.Errorf("Views:\n got %q\nwant %q", got, iterWant)
	}
}

func TestViewsError(t *testing.T) {
	var data []string
	var errs []error
	for v, err := range sse.NewScanner(failingInput()).Views() {
		if err != nil {
			if v.Type != nil || v.ID != nil || v.Data != nil {
				t.Errorf("error %v yielded with view %q; want the zero View", err, v)
			}
			errs = append(errs, err)
			continue
		}
		data = append(data, string(v.Data))
	}
	if want := []string{"a", "b"}; !reflect.DeepEqual(data, want) {
		t.Errorf("data = %q; want %q", data, want)
	}
	if len(errs) != 1 || !errors.Is(errs[0], errBoom) {
		t.Errorf("errors = %v; want exactly [%v]", errs, errBoom)
	}
}

// viewsStream returns n events mixing what a real stream holds: typed and
// untyped events, changing ids, multi-line data and comments.
func viewsStream(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "id: %04d\ndata: {\"seq\":%d}\n\n", i%10000, i)
		case 1:
			fmt.Fprintf(&b, "event: delta\ndata: part one\ndata: part two %d\n\n", i)
		case 2:
			fmt.Fprintf(&b, ": keep-alive\ndata: %d\n\n", i)
		case 3:
			fmt.Fprintf(&b, "event: tick\r\nid: %04d\r\ndata: x\r\n\r\n", i%10000)
		}
	}
	return b.Bytes()
}

func TestViewsNoAllocPerEvent(t *testing.T) {
	// A run allocates a constant amount (the Scanner, the iterator, buffers
	// that reach their working size); consuming 1000 events instead of 10
	// must not allocate anything more.
	allocs := func(n int) float64 {
		input := viewsStream(n)
		r := bytes.NewReader(input)
		buf := make([]byte, 4096)
		var count, size int
		a := testing.AllocsPerRun(20, func() {
			r.Reset(input)
			s := sse.NewScanner(r)
			s.Buffer(buf, sse.DefaultMaxSize)
			count, size = 0, 0
			for v, err := range s.Views() {
				if err != nil {
					panic(err)
				}
				count++
				size += len(v.Type) + len(v.ID) + len(v.Data)
			}
		})
		if count != n || size == 0 {
			t.Fatalf("consumed %d events (%d bytes) of %d", count, size, n)
		}
		return a
	}
	small, large := allocs(10), allocs(1000)
	if large != small {
		t.Errorf("allocations per run: %v for 10 events, %v for 1000; want equal (no allocation per event)", small, large)
	}
}

func TestRead(t *testing.T) {
	var got []sse.Event
	for ev, err := range sse.Read(strings.NewReader(iterInput)) {
		if err != nil {
			t.Fatalf("Read yielded error %v", err)
		}
		got = append(got, ev)
	}
	if !reflect.DeepEqual(got, iterWant) {
		t.Errorf("Read:\n got %q\nwant %q", got, iterWant)
	}

	var errs []error
	n := 0
	for _, err := range sse.Read(failingInput()) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if n != 2 || len(errs) != 1 || !errors.Is(errs[0], errBoom) {
		t.Errorf("Read of a failing stream: %d events, errors %v; want 2 events, [%v]", n, errs, errBoom)
	}
}

func TestViewsOfType(t *testing.T) {
	var got []string
	var errs []error
	seq := sse.ViewsOfType(sse.NewScanner(failingInput()).Views(), "message")
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, string(v.Type)+"/"+string(v.Data))
	}
	if len(errs) != 1 || !errors.Is(errs[0], errBoom) {
		t.Errorf("errors %v, want [%v] passed through", errs, errBoom)
	}
	got = nil
	types := []string{"update", "message"}
	seq = sse.ViewsOfType(sse.NewScanner(strings.NewReader(iterInput)).Views(), types...)
	types[0] = "changed after the call"
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(v.Type)+"/"+string(v.Data))
	}
	want := []string{"message/first", `update/{"n":1}`, "message/two\nlines", "message/cleared id"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	got = nil
	for v := range sse.ViewsOfType(sse.NewScanner(strings.NewReader(iterInput)).Views(), "update") {
		got = append(got, string(v.Data))
	}
	if !reflect.DeepEqual(got, []string{`{"n":1}`}) {
		t.Errorf("update only: got %q", got)
	}
	if n := len(valuesOf(sse.ViewsOfType(sse.NewScanner(strings.NewReader(iterInput)).Views()))); n != 0 {
		t.Errorf("no types: %d events, want none", n)
	}
}

// valuesOf returns the values seq yields with a nil error.
func valuesOf[V any](seq func(func(V, error) bool)) []V {
	var out []V
	for v, err := range seq {
		if err == nil {
			out = append(out, v)
		}
	}
	return out
}

func TestEventsOfType(t *testing.T) {
	var got []sse.Event
	for e, err := range sse.EventsOfType(sse.Read(strings.NewReader(iterInput)), "update") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if want := []sse.Event{iterWant[1]}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	var errs []error
	n := 0
	for _, err := range sse.EventsOfType(sse.Read(failingInput()), "message") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if n != 2 || len(errs) != 1 || !errors.Is(errs[0], errBoom) {
		t.Errorf("failing stream: %d events, errors %v", n, errs)
	}
	// Breaking out stops the underlying iterator; resuming continues.
	s := sse.NewScanner(strings.NewReader(iterInput))
	for range sse.EventsOfType(s.Events(), "message") {
		break
	}
	var rest []string
	for e := range sse.EventsOfType(s.Events(), "message", "update") {
		rest = append(rest, e.Data)
	}
	if want := []string{`{"n":1}`, "two\nlines", "cleared id"}; !reflect.DeepEqual(rest, want) {
		t.Errorf("after a break: %q, want %q", rest, want)
	}
}

func TestViewsOfTypeNoAllocPerEvent(t *testing.T) {
	allocs := func(n int) float64 {
		input := viewsStream(n)
		r := bytes.NewReader(input)
		buf := make([]byte, 4096)
		var count int
		a := testing.AllocsPerRun(20, func() {
			r.Reset(input)
			s := sse.NewScanner(r)
			s.Buffer(buf, sse.DefaultMaxSize)
			count = 0
			for _, err := range sse.ViewsOfType(s.Views(), "delta", "tick") {
				if err != nil {
					panic(err)
				}
				count++
			}
		})
		if count != n/2 {
			t.Fatalf("filtered %d events of %d, want half", count, n)
		}
		return a
	}
	small, large := allocs(12), allocs(1000)
	if large != small {
		t.Errorf("allocations per run: %v for 12 events, %v for 1000; want equal", small, large)
	}
}
