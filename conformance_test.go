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
)

// vector is one case of testdata/vectors.json, the shared conformance
// material worked out from WHATWG HTML §9.2.6 and the web-platform-tests.
type vector struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Input   string `json:"input_b64"`
	Events  []struct{ Type, Data, ID string }
	RetryMS *int64 `json:"retry_ms"`
	SplitAt []int  `json:"split_at"`
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
	return vs
}

func (v vector) input(t testing.TB) []byte {
	b, err := base64.StdEncoding.DecodeString(v.Input)
	if err != nil {
		t.Fatalf("%s: %v", v.Name, err)
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
	case v.RetryMS != nil && (!got.retryOK || got.retry.Milliseconds() != *v.RetryMS):
		return fmt.Errorf("Retry() = %v, %v; want %dms", got.retry, got.retryOK, *v.RetryMS)
	}
	return nil
}

// TestConformance feeds every vector whole, at its split_at offsets, one
// byte at a time and in random chunk sizes; the events, the last event ID
// at each dispatch and the final reconnection time must match exactly.
func TestConformance(t *testing.T) {
	vs := loadVectors(t)
	feeds := []struct {
		name string
		// readers returns the readers to feed; nil means the feed does not
		// apply to the vector.
		readers func(v vector, in []byte) []io.Reader
	}{
		{"whole", func(_ vector, in []byte) []io.Reader {
			return []io.Reader{plainReader{bytes.NewReader(in)}}
		}},
		{"split_at", func(v vector, in []byte) []io.Reader {
			if v.SplitAt == nil {
				return nil
			}
			return []io.Reader{&chunkReader{data: in, cuts: append([]int(nil), v.SplitAt...)}}
		}},
		{"one-byte", func(_ vector, in []byte) []io.Reader {
			return []io.Reader{iotest.OneByteReader(bytes.NewReader(in))}
		}},
		{"random", func(_ vector, in []byte) []io.Reader {
			var rs []io.Reader
			for seed := range uint64(8) {
				rs = append(rs, randomChunks(in, seed, 7), randomChunks(in, seed, 4096))
			}
			return rs
		}},
	}
	for _, feed := range feeds {
		passed, applicable := 0, 0
		t.Run(feed.name, func(t *testing.T) {
			for _, v := range vs {
				in := v.input(t)
				readers := feed.readers(v, in)
				if readers == nil {
					continue
				}
				applicable++
				ok := true
				for i, r := range readers {
					if err := v.check(scanAll(r, 0)); err != nil {
						t.Errorf("%s (%s), reader %d: %v", v.Name, v.Source, i, err)
						ok = false
					}
				}
				if ok {
					passed++
				}
			}
		})
		t.Logf("conformance %-8s %d/%d vectors pass", feed.name, passed, applicable)
	}
}
