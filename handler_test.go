package sse_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/fastsse/sse"
	"go.uber.org/goleak"
)

// record returns a handler that appends each event it gets to *got, with
// tag as its type prefix.
func record(got *[]string, tag string) func(sse.View) {
	return func(v sse.View) {
		*got = append(*got, tag+":"+string(v.Type)+"/"+string(v.ID)+"/"+string(v.Data))
	}
}

func TestMuxServeScanner(t *testing.T) {
	var m sse.Mux
	var got []string
	m.Handle("update", record(&got, "update"))
	m.Handle("message", record(&got, "message"))
	m.HandleOther(record(&got, "other"))
	in := "data: a\n\nevent: update\nid: 1\ndata: b\n\nevent: delete\ndata: c\n\nevent: update\ndata: d\ndata: e\n\n"
	if err := m.Serve(sse.NewScanner(strings.NewReader(in))); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	want := []string{"message:message//a", "update:update/1/b", "other:delete/1/c", "update:update/1/d\ne"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// Replacing and removing handlers; events with no handler are dropped when
// there is no HandleOther; Dispatch reports whether a handler ran.
func TestMuxHandle(t *testing.T) {
	var m sse.Mux
	v := func(typ string) sse.View { return sse.View{Type: []byte(typ), Data: []byte("x")} }
	if m.Dispatch(v("a")) {
		t.Error("the zero Mux dispatched")
	}
	var got []string
	m.Handle("a", record(&got, "first"))
	m.Handle("a", record(&got, "second"))
	if !m.Dispatch(v("a")) || m.Dispatch(v("b")) {
		t.Error("Dispatch reported wrongly")
	}
	m.HandleOther(record(&got, "other"))
	m.Dispatch(v("b"))
	m.Handle("a", nil)
	m.Dispatch(v("a"))
	m.HandleOther(nil)
	if m.Dispatch(v("a")) {
		t.Error("dispatched with no handler")
	}
	m.Handle("", record(&got, "empty"))
	m.Dispatch(v("message"))
	want := []string{"second:a//x", "other:b//x", "other:a//x"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// Serve returns the reader's error; a Scanner's limit is one.
func TestMuxServeError(t *testing.T) {
	var m sse.Mux
	n := 0
	m.HandleOther(func(sse.View) { n++ })
	r := iotest.TimeoutReader(strings.NewReader("data: a\n\ndata: b\n\n"))
	s := sse.NewScanner(iotest.OneByteReader(r))
	err := m.Serve(s)
	if !errors.Is(err, iotest.ErrTimeout) || n != 0 {
		t.Errorf("Serve: %v after %d events, want ErrTimeout", err, n)
	}
	s = sse.NewScanner(strings.NewReader("data: " + strings.Repeat("x", 100) + "\n\n"))
	s.Buffer(nil, 64)
	if err := m.Serve(s); !errors.Is(err, sse.ErrTooLong) {
		t.Errorf("Serve: %v, want ErrTooLong", err)
	}
}

// A Mux serves a Client across reconnections, and a handler may Close it.
func TestMuxServeClient(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		n := requests
		mu.Unlock()
		sw, err := sse.NewStream(w)
		if err != nil {
			return
		}
		if n == 1 {
			sw.Send(sse.Event{Type: "price", ID: "1", Data: "10"})
			sw.Send(sse.Event{Type: "news", Data: "hello"})
			return // the Client reconnects
		}
		sw.Send(sse.Event{Type: "price", Data: "11"})
		sw.Send(sse.Event{Type: "done", Data: "-"})
		<-r.Context().Done()
	}))
	defer srv.Close()
	c, err := sse.DialURL(t.Context(), srv.URL, sse.WithMinDelay(0), sse.WithRetry(0), sse.WithBackoff(0))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var m sse.Mux
	var got []string
	m.Handle("price", record(&got, "price"))
	m.Handle("done", func(sse.View) { c.Close() })
	m.HandleOther(record(&got, "other"))
	if err := m.Serve(c); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	want := []string{"price:price/1/10", "other:news/1/hello", "price:price/1/11"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// Handlers may change while another goroutine dispatches.
func TestMuxConcurrentHandle(t *testing.T) {
	var m sse.Mux
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 1000 {
			if i%2 == 0 {
				m.Handle("a", func(sse.View) {})
			} else {
				m.Handle("a", nil)
			}
		}
	}()
	v := sse.View{Type: []byte("a")}
	for range 1000 {
		m.Dispatch(v)
	}
	wg.Wait()
}

// Dispatching allocates nothing: not Dispatch itself, and not Serve over a
// Scanner, whose runs allocate the same for 10 events as for 1000.
func TestMuxNoAllocPerEvent(t *testing.T) {
	var m sse.Mux
	var size int
	count := func(v sse.View) { size += len(v.Type) + len(v.ID) + len(v.Data) }
	m.Handle("delta", count)
	m.Handle("tick", count)
	m.HandleOther(count)
	v := sse.View{Type: []byte("delta"), Data: []byte("x")}
	other := sse.View{Type: []byte("a type longer than thirty-two bytes, to be sure"), Data: []byte("x")}
	if a := testing.AllocsPerRun(100, func() { m.Dispatch(v); m.Dispatch(other) }); a != 0 {
		t.Errorf("Dispatch: %v allocations, want 0", a)
	}
	allocs := func(n int) float64 {
		input := viewsStream(n)
		r := bytes.NewReader(input)
		buf := make([]byte, 4096)
		a := testing.AllocsPerRun(20, func() {
			r.Reset(input)
			s := sse.NewScanner(r)
			s.Buffer(buf, sse.DefaultMaxSize)
			size = 0
			if err := m.Serve(s); err != nil {
				panic(err)
			}
		})
		if size == 0 {
			t.Fatal("no event dispatched")
		}
		return a
	}
	small, large := allocs(10), allocs(1000)
	if large != small {
		t.Errorf("allocations per run: %v for 10 events, %v for 1000; want equal (no allocation per event)", small, large)
	}
}

// BenchmarkMux compares reading a stream with a Views loop that switches on
// the type and with a Mux, to show what dispatching costs per event.
func BenchmarkMux(b *testing.B) {
	input := viewsStream(1000)
	var size int
	count := func(v sse.View) { size += len(v.Data) }
	run := func(b *testing.B, read func(s *sse.Scanner)) {
		r := bytes.NewReader(input)
		buf := make([]byte, 4096)
		b.SetBytes(int64(len(input)))
		b.ReportAllocs()
		for b.Loop() {
			r.Reset(input)
			s := sse.NewScanner(r)
			s.Buffer(buf, sse.DefaultMaxSize)
			read(s)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/event")
	}
	b.Run("switch", func(b *testing.B) {
		run(b, func(s *sse.Scanner) {
			for v := range s.Views() {
				switch string(v.Type) {
				case "delta", "tick":
					count(v)
				default:
					count(v)
				}
			}
		})
	})
	b.Run("mux", func(b *testing.B) {
		var m sse.Mux
		m.Handle("delta", count)
		m.Handle("tick", count)
		m.HandleOther(count)
		run(b, func(s *sse.Scanner) { m.Serve(s) })
	})
}
