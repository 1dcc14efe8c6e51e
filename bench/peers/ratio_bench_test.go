//go:build linux

package peers

import (
	"io"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/fastsse/sse/internal/corpus"
	"golang.org/x/sys/unix"
)

// BenchmarkRatios measures fastsse against go-sse and against bufio.Scanner
// line splitting as ratios that stand up on a shared, noisy machine: each
// round reads the corpus once with each of the three (a new parser per
// pass, as BenchmarkRead does), back to back, in an order that rotates
// from round to round, timed on this thread's CPU clock, so a neighbour's
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
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var vsGoSSE, vsBufio []float64
			b.ResetTimer()
			for i := range b.N {
				var t [3]time.Duration
				for k := range 3 {
					j := (i + k) % 3
					t[j] = threadTime(runs[j])
				}
				if t[0] > 0 {
					vsGoSSE = append(vsGoSSE, float64(t[1])/float64(t[0]))
					vsBufio = append(vsBufio, float64(t[2])/float64(t[0]))
				}
			}
			if len(vsGoSSE) == 0 {
				return
			}
			slices.Sort(vsGoSSE)
			slices.Sort(vsBufio)
			b.ReportMetric(vsGoSSE[len(vsGoSSE)/2], "x-gosse")
			b.ReportMetric(vsGoSSE[len(vsGoSSE)/4], "x-gosse-p25")
			b.ReportMetric(vsBufio[len(vsBufio)/2], "x-bufio")
			b.ReportMetric(vsBufio[len(vsBufio)/4], "x-bufio-p25")
		})
	}
}

func must(b *testing.B, err error) {
	if err != nil {
		b.Fatal(err)
	}
}

// threadTime returns the CPU time of the calling thread that fn took (the
// caller locks itself to its thread), or 0 if the clock failed.
func threadTime(fn func()) time.Duration {
	var t0, t1 unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &t0) != nil {
		return 0
	}
	fn()
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &t1) != nil {
		return 0
	}
	return time.Duration(t1.Nano() - t0.Nano())
}
