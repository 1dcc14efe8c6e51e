package peers

import (
	"testing"
)

// BenchmarkWrite writes one event per operation with each writer, into a
// destination that discards it. The destination has WriteString, as an
// http.ResponseWriter and a bufio.Writer do, and no Flush, so no writer
// flushes. Each writer's output is first read back and checked. Bytes are
// the bytes that writer writes per event.
//
//	go test -run '^$' -bench Write -benchmem
func BenchmarkWrite(b *testing.B) {
	for _, wc := range WriteCases {
		for _, w := range EventWriters {
			b.Run("event="+wc.Name+"/writer="+w.Name, func(b *testing.B) {
				v, out := VerifyWriter(w, wc)
				if !v.OK {
					b.Skipf("not timed: %s", v.Reason)
				}
				send := w.New(discard{})
				b.SetBytes(int64(len(out)))
				b.ReportAllocs()
				for b.Loop() {
					if err := send(wc.Event); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// discard is a destination that accepts and drops everything.
type discard struct{}

func (discard) Write(p []byte) (int, error)       { return len(p), nil }
func (discard) WriteString(s string) (int, error) { return len(s), nil }
