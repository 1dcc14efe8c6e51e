package benchdata

import (
	"strings"
	"testing"
)

const sample = `goos: linux
cpu: AMD EPYC
BenchmarkRead/corpus=small/parser=fastsse-2         	      39	   2952060 ns/op	 710.41 MB/s	        30.39 ns/event	   16424 B/op	       5 allocs/op
--- SKIP: BenchmarkRead/corpus=hugeline/parser=x
BenchmarkRead/corpus=small/parser=fastsse-2         	      40	   2852060 ns/op	 730.00 MB/s	        29.00 ns/event	   16424 B/op	       5 allocs/op
BenchmarkRead/corpus=small/parser=fastsse-2         	      41	   2752060 ns/op	 750.00 MB/s	        28.00 ns/event	   16424 B/op	       5 allocs/op
BenchmarkWrite/event=small/writer=go-sse             	 1740985	        68.00 ns/op	 558.82 MB/s	      24 B/op	       1 allocs/op
PASS
`

func TestParse(t *testing.T) {
	rs, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d results, want 2", len(rs))
	}
	r := Find(rs, "Read", map[string]string{"corpus": "small", "parser": "fastsse"})
	if r == nil || r.Name != "Read/corpus=small/parser=fastsse" || r.Runs() != 3 {
		t.Fatalf("Read result %+v", r)
	}
	if m, ok := r.Median("MB/s"); !ok || m != 730 {
		t.Errorf("median MB/s = %v, %v; want 730", m, ok)
	}
	if _, ok := r.Median("furlongs/op"); ok {
		t.Error("median of a missing unit")
	}
	w := Find(rs, "Write", map[string]string{"writer": "go-sse"})
	if w == nil || w.Keys["event"] != "small" || w.Values["allocs/op"][0] != 1 {
		t.Fatalf("Write result %+v", w)
	}
	if m, _ := w.Median("ns/op"); m != 68 {
		t.Errorf("median ns/op = %v, want 68", m)
	}
	if Find(rs, "Read", map[string]string{"parser": "r3labs"}) != nil {
		t.Error("found a result that is not there")
	}
}

func TestMedianEven(t *testing.T) {
	r := &Result{Values: map[string][]float64{"MB/s": {4, 1, 3, 2}}}
	if m, _ := r.Median("MB/s"); m != 2.5 {
		t.Errorf("median = %v, want 2.5", m)
	}
}
