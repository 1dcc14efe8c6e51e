package sse_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/fastsse/sse"
)

// BenchmarkWriter measures encoding one event, or comment, per operation
// into a destination that discards it (and can be flushed, as a
// ResponseWriter can, so the flush call is counted too). Bytes are the
// bytes written per event.
func BenchmarkWriter(b *testing.B) {
	var large strings.Builder
	large.WriteString(`{"items":[`)
	for i := 0; large.Len() < 4<<10-64; i++ {
		if i > 0 {
			large.WriteByte(',')
		}
		fmt.Fprintf(&large, `{"id":%d,"name":"item %d","ok":true}`, i, i)
	}
	large.WriteString(`]}`)
	lines := make([]string, 10)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"line":%d,"text":"some words of text"}`, i)
	}
	multiline := strings.Join(lines, "\n")
	for _, bc := range []struct {
		name string
		send func(w *sse.Writer) error
	}{
		{"small", func(w *sse.Writer) error {
			return w.Send(sse.Event{Type: "update", ID: "1234", Data: `{"n":1}`})
		}},
		{"large", func(w *sse.Writer) error {
			return w.Send(sse.Event{Type: "snapshot", ID: "1234", Data: large.String()})
		}},
		{"multiline", func(w *sse.Writer) error {
			return w.Send(sse.Event{Data: multiline})
		}},
		{"comment", func(w *sse.Writer) error {
			return w.Comment("heartbeat")
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var out bytes.Buffer
			if err := bc.send(sse.NewWriter(&out)); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(out.Len()))
			w := sse.NewWriter(benchWriterDiscard{})
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := bc.send(w); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/event")
		})
	}
}

// benchWriterDiscard discards writes and counts as flushable.
type benchWriterDiscard struct{}

func (benchWriterDiscard) Write(p []byte) (int, error) { return len(p), nil }
func (benchWriterDiscard) Flush() error                { return nil }
