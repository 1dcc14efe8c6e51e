package peers

import (
	"io"
	"testing"

	"github.com/fastsse/sse/internal/corpus"
)

// BenchmarkRead reads each corpus with each parser, a new parser per pass
// over the corpus, from a plain io.Reader (the hugeline corpus in 4 KiB
// reads). Each parser is verified on the corpus first: one that stops with
// an error is skipped with the reason; one whose output differs is timed
// and logged, and the report marks it.
//
//	go test -run '^$' -bench Read -benchmem
func BenchmarkRead(b *testing.B) {
	for _, c := range corpus.All() {
		for _, p := range Parsers {
			b.Run("corpus="+c.Name+"/parser="+p.Name, func(b *testing.B) {
				v := Cached(p, c)
				if v.Failed {
					b.Skipf("not timed: %s", v.Reason)
				}
				if !v.OK {
					b.Logf("output differs from the ground truth: %s", v.Reason)
				}
				f := NewFeed(c)
				var r io.Reader = f // boxed once, not per pass
				b.SetBytes(int64(len(c.Bytes)))
				b.ReportAllocs()
				if p.Kind == KindBaseline {
					benchCount(b, p, f, r, v.Got.Events)
				} else {
					benchRead(b, p, f, r, v.Got)
				}
			})
		}
	}
}

// benchRead times p.Read, checking that each pass dispatches what the
// verifying pass did.
func benchRead(b *testing.B, p Parser, f *Feed, r io.Reader, want corpus.Truth) {
	var sink Counter
	passes := 0
	for b.Loop() {
		f.Reset()
		if err := p.Read(r, &sink); err != nil {
			b.Fatal(err)
		}
		passes++
	}
	if sink.Events != passes*want.Events || sink.Bytes != passes*want.Bytes {
		b.Fatalf("%d passes read %d events, %d data bytes; want %d, %d each",
			passes, sink.Events, sink.Bytes, want.Events, want.Bytes)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(passes*max(want.Events, 1)), "ns/event")
}

// benchCount times a baseline's p.Count, checking each pass's count.
func benchCount(b *testing.B, p Parser, f *Feed, r io.Reader, want int) {
	for b.Loop() {
		f.Reset()
		n, err := p.Count(r)
		if err != nil || n != want {
			b.Fatalf("counted %d (err %v), want %d", n, err, want)
		}
	}
}
