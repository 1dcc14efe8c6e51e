package sse

import (
	"bufio"
	"bytes"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/fastsse/sse/internal/corpus"
	"github.com/fastsse/sse/internal/cpuclock"
)

// BenchmarkVsBufio measures the Scanner's speed as a ratio to
// bufio.Scanner splitting the same bytes into lines, the baseline of
// BenchmarkBufioLines, in a way that stands up on a shared, noisy machine:
// each round times one steady-state pass of each over the corpus, back to
// back, in alternating order, on this goroutine's thread's CPU clock where
// there is one (Linux), so a neighbour's burst or a preemption falls on
// both sides of a round or on neither. It reports the median of the
// rounds' ratios (x-bufio, above 1 when the Scanner is faster) and their
// lower quartile (x-bufio-p25), with the Scanner's median MB/s.
//
//	go test -run '^$' -bench VsBufio -benchtime 100x
func BenchmarkVsBufio(b *testing.B) {
	for _, c := range corpus.All() {
		b.Run(c.Name, func(b *testing.B) {
			r := bytes.NewReader(c.Bytes)
			var pr io.Reader = plainReader{r}
			s := newBenchScanner(pr, c)
			verify(b, c, s)
			buf := make([]byte, initialBufSize)
			if c.Name == "hugeline" {
				buf = make([]byte, 2*corpus.HugeLineSize)
			}
			scan := func() {
				r.Reset(c.Bytes)
				s.Reset(pr)
				n := 0
				for s.Next() {
					n += len(s.Data())
				}
				if n != c.Truth.Bytes {
					b.Fatalf("read %d data bytes, want %d", n, c.Truth.Bytes)
				}
			}
			lines := func() {
				ls := bufio.NewScanner(plainReader{bytes.NewReader(c.Bytes)})
				ls.Buffer(buf, 2*corpus.HugeLineSize)
				for ls.Scan() {
				}
				if ls.Err() != nil {
					b.Fatal(ls.Err())
				}
			}
			defer cpuclock.Lock()()
			var ratios cpuclock.Ratios
			scanTimes := make([]float64, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				var ts, tl time.Duration
				if i%2 == 0 {
					ts, tl = cpuclock.Time(scan), cpuclock.Time(lines)
				} else {
					tl, ts = cpuclock.Time(lines), cpuclock.Time(scan)
				}
				ratios.Add(tl, ts)
				if ts > 0 {
					scanTimes = append(scanTimes, float64(ts))
				}
			}
			ratios.Report(b, "x-bufio")
			if len(scanTimes) > 0 {
				slices.Sort(scanTimes)
				b.ReportMetric(float64(len(c.Bytes))/scanTimes[len(scanTimes)/2]*1e3, "scanner-MB/s")
			}
		})
	}
}
