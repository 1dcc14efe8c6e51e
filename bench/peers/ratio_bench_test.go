package peers

import (
	"io"
	"testing"
	"time"

	"github.com/fastsse/sse/internal/corpus"
	"github.com/fastsse/sse/internal/cpuclock"
)

// BenchmarkRatios measures fastsse against go-sse and against bufio.Scanner
// line splitting as ratios that stand up on a shared, noisy machine: each
// round reads the corpus once with each of the three (a new parser per
// pass, as BenchmarkRead does), back to back, in an order that rotates
// from round to round, timed on this thread's CPU clock (internal/cpuclock), so a neighbour's
// burst falls on one round rather than on one parser. It reports the
// medians over the rounds of fastsse's speed as a multiple of go-sse's
// (x-gosse) and of bufio's (x-bufio), and their lower quartiles.
//
//	go test -run '^$' -bench Ratios -benchtime 60x
func BenchmarkRatios(b *testing.B) {
	for _, c := range corpus.All() {
		b.Run("corpus="+c.Name, func(b *testing.B) {
			for _, p := range []Parser{fastsse, goSSE} {
				if v := Cached(p, c); !v.OK {
					b.Skipf("%s does not read %s right: %s", p.Name, c.Name, v.Reason)
				}
			}
			f := NewFeed(c)
			var r io.Reader = f
			var sink Counter
			runs := []func(){
				func() { f.Reset(); must(b, fastsse.Read(r, &sink)) },
				func() { f.Reset(); must(b, goSSE.Read(r, &sink)) },
				func() { f.Reset(); _, err := bufioLines.Count(r); must(b, err) },
			}
			defer cpuclock.Lock()()
			var vsGoSSE, vsBufio cpuclock.Ratios
			b.ResetTimer()
			for i := range b.N {
				var t [3]time.Duration
				for k := range 3 {
					j := (i + k) % 3
					t[j] = cpuclock.Time(runs[j])
				}
				vsGoSSE.Add(t[1], t[0])
				vsBufio.Add(t[2], t[0])
			}
			vsGoSSE.Report(b, "x-gosse")
			vsBufio.Report(b, "x-bufio")
		})
	}
}

func must(b *testing.B, err error) {
	if err != nil {
		b.Fatal(err)
	}
}
