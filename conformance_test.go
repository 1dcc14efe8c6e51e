package sse

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"testing"
	"testing/iotest"
	"time"
)

// vector is one case of testdata/vectors.json, the shared conformance
// material worked out from WHATWG HTML §9.2.6 and the web-platform-tests
// (see the README next to the shared copy for the format).
type vector struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Input   string `json:"input_b64"`
	Events  []vectorEvent
	RetryMS *int64 `json:"retry_ms"` // nil: no valid retry field
	SplitAt []int  `json:"split_at"` // nil: the case has no split points
}

// vectorEvent is one dispatched event a vector expects; ID is the last event
// ID in effect at dispatch.
type vectorEvent struct {
	Type string `json:"type"`
	Data string `json:"data"`
	ID   string `json:"id"`
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	names := make(map[string]bool)
	for _, v := range vs {
		if names[v.Name] {
			t.Fatalf("vector name %q used twice", v.Name)
		}
		names[v.Name] = true
	}
	return vs
}

// input decodes the vector's bytes and checks its split points.
func (v vector) input(t testing.TB) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(v.Input)
	if err != nil {
		t.Fatalf("%s: %v", v.Name, err)
	}
	for i, at := range v.SplitAt {
		if at <= 0 || at >= len(b) || (i > 0 && at <= v.SplitAt[i-1]) {
			t.Fatalf("%s: split_at %v is not increasing inside the %d-byte input", v.Name, v.SplitAt, len(b))
		}
	}
	return b
}

// check compares what a Scanner read with what the vector expects.
func (v vector) check(got scanned) error {
	if got.err != nil {
		return fmt.Errorf("Err() = %v", got.err)
	}
	want := make([]Event, 0, len(v.Events))
	for _, e := range v.Events {
		want = append(want, Event{Type: e.Type, ID: e.ID, Data: e.Data})
	}
	if !reflect.DeepEqual(append([]Event{}, got.events...), want) {
		return fmt.Errorf("events:\n got %q\nwant %q", got.events, want)
	}
	switch {
	case v.RetryMS == nil && got.retryOK:
		return fmt.Errorf("Retry() = %v, true; want none", got.retry)
	case v.RetryMS != nil && (!got.retryOK || got.retry != time.Duration(*v.RetryMS)*time.Millisecond):
		return fmt.Errorf("Retry() = %v, %v; want %dms", got.retry, got.retryOK, *v.RetryMS)
	}
	return nil
}

// conformanceFeed is one way of feeding a vector's bytes to a Scanner.
type conformanceFeed struct {
	name string
	// readers returns the readers to feed, each a fresh copy of the input;
	// nil means the feed does not apply to the vector.
	readers func(v vector, in []byte) []namedReader
}

type namedReader struct {
	name string
	r    io.Reader
}

var conformanceFeeds = []conformanceFeed{
	{"whole", func(_ vector, in []byte) []namedReader {
		return []namedReader{{"one Read", plainReader{bytes.NewReader(in)}}}
	}},
	{"split_at", func(v vector, in []byte) []namedReader {
		if v.SplitAt == nil {
			return nil
		}
		return []namedReader{{fmt.Sprint("split at ", v.SplitAt), splitReader(in, v.SplitAt...)}}
	}},
	{"one-byte", func(_ vector, in []byte) []namedReader {
		return []namedReader{{"OneByteReader", iotest.OneByteReader(bytes.NewReader(in))}}
	}},
	{"random", func(_ vector, in []byte) []namedReader {
		var rs []namedReader
		for _, size := range []int{64, 4096} {
			for seed := range uint64(8) {
				name := fmt.Sprintf("chunks of 1..%d, seed %d", size, seed)
				rs = append(rs, namedReader{name, randomChunks(in, seed, size)})
			}
		}
		return rs
	}},
}

// TestConformance feeds every vector whole, at its split_at offsets (when it
// has them), one byte at a time and in random chunk sizes; the events, the
// last event ID at each dispatch and the final reconnection time must match
// exactly, and the stream must end without error. It logs how many vectors
// passed under each feed.
func TestConformance(t *testing.T) {
	vs := loadVectors(t)
	passed := make(map[string]int)
	ran := make(map[string]int)
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			in := v.input(t)
			for _, feed := range conformanceFeeds {
				readers := feed.readers(v, in)
				if readers == nil {
					continue
				}
				didRun := false
				ok := t.Run(feed.name, func(t *testing.T) {
					didRun = true
					for _, nr := range readers {
						if err := v.check(scanAll(nr.r, 0)); err != nil {
							t.Errorf("%s (%s), %s: %v", v.Name, v.Source, nr.name, err)
						}
					}
				})
				if didRun {
					ran[feed.name]++
					if ok {
						passed[feed.name]++
					}
				}
			}
		})
	}
	for _, feed := range conformanceFeeds {
		t.Logf("conformance %-8s %d/%d vectors pass", feed.name, passed[feed.name], ran[feed.name])
	}
}
