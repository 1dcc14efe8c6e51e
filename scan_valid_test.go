package sse_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// TestValidMark reads long streams of multi-byte text, with and without
// invalid UTF-8 here and there, through buffers large enough that the
// Scanner's UTF-8 check runs ahead of the lines in windows (so windows end
// inside characters), and small enough that the mark moves with the bytes
// as they slide to the front; read whole, in random chunks and one byte at
// a time. The Scanner must agree with the reference parser and with its
// own general path every time.
func TestValidMark(t *testing.T) {
	chars := []string{"a", "é", "日", "本", "\U0001F680", "\u00e9\u0301", " ", "x"}
	bad := []string{"\xff", "\xe2\x82", "\xed\xa0\x80", "\xf0\x9f\x98", "\xc0\xaf", "\x80"}
	prefixes := []string{"data: ", "data: ", "data: ", "event: ", "id: ", ": ", "retry: "}
	ends := []string{"\n", "\r\n", "\r"}
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 24 {
		var b strings.Builder
		invalid := round%3 == 0
		for b.Len() < 100<<10 {
			b.WriteString(prefixes[rng.IntN(len(prefixes))])
			for n := rng.IntN(1 + rng.IntN(400)); n > 0; n-- {
				if invalid && rng.IntN(200) == 0 {
					b.WriteString(bad[rng.IntN(len(bad))])
				} else {
					b.WriteString(chars[rng.IntN(len(chars))])
				}
			}
			end := ends[rng.IntN(len(ends))]
			b.WriteString(end)
			if rng.IntN(4) == 0 {
				b.WriteString(end)
			}
		}
		input := []byte(b.String())
		want := refParse(input)
		max := 3*len(input) + 16
		seed := rng.Uint64()
		readers := map[string]func() io.Reader{
			"whole":   func() io.Reader { return bytes.NewReader(input) },
			"chunked": func() io.Reader { return fuzzChunks(input, seed) },
			"halves":  func() io.Reader { return iotest.HalfReader(bytes.NewReader(input)) },
		}
		if round < 2 {
			readers["byte by byte"] = func() io.Reader { return iotest.OneByteReader(bytes.NewReader(input)) }
		}
		for how, r := range readers {
			for _, size := range []int{0, 4 << 10, 40 << 10, 256 << 10} {
				got, err := scanRef(r(), make([]byte, size), max)
				if err != nil {
					t.Fatalf("round %d, %s, buffer %d: Err() = %v", round, how, size, err)
				}
				if !equalRef(got, want) {
					t.Fatalf("round %d, %s, buffer %d: %d events, want %d", round, how, size, len(got.events), len(want.events))
				}
			}
		}
		checkPaths(t, input, seed, 40<<10, max)
	}
}
