package bytescan

import (
	"bytes"
	"fmt"
	"testing"
	"unicode/utf8"
)

// The benchmarks run each function through the API (the AVX2 routines on
// an amd64 processor that has AVX2, from 32 bytes) and through the
// portable code, next to the standard library's nearest function:
// bytes.IndexByte for a single LF (a bound a two-byte search cannot
// beat) and utf8.Valid. The inputs hold no line end, so every search
// reads all of them, and are either ASCII or text with about 5% non-ASCII
// bytes (accented words, CJK, emoji).

var benchSizes = []int{16, 64, 1 << 10, 64 << 10}

// benchText returns n bytes of text without line ends, cut at a character
// boundary: ASCII, or with about 5% of its bytes in non-ASCII characters.
func benchText(n int, ascii bool) []byte {
	words := []string{"the", "event", "stream", "delivers", "data", "to", "every", "client", "quickly", "and", "in", "order"}
	others := []string{"café", "Grüße", "naïve", "東京", "😀", "señor", "データ"}
	var b []byte
	for i := 0; len(b) < n+8; i++ {
		if !ascii && i%13 == 3 {
			b = append(b, others[i/13%len(others)]...)
		} else {
			b = append(b, words[(i*5)%len(words)]...)
		}
		b = append(b, ' ')
	}
	b = b[:n]
	for !utf8.Valid(b) {
		b = b[:len(b)-1]
	}
	return b
}

func nonASCIIShare(b []byte) float64 {
	k := 0
	for _, c := range b {
		if c >= 0x80 {
			k++
		}
	}
	return float64(k) / float64(len(b))
}

func sizeName(n int) string {
	switch {
	case n >= 1<<10:
		return fmt.Sprintf("%dKiB", n>>10)
	default:
		return fmt.Sprintf("%dB", n)
	}
}

// path is one way of computing a benchmarked function, reduced to an int
// so that every path runs in the same loop.
type path struct {
	name string
	f    func([]byte) int
}

// benchPaths runs each path on each size and kind of text (ASCII when
// kinds holds true, text when it holds false), reporting throughput.
func benchPaths(b *testing.B, kinds []bool, paths []path) {
	for _, n := range benchSizes {
		for _, ascii := range kinds {
			in := benchText(n, ascii)
			kind := "ascii"
			if !ascii {
				kind = "text"
			}
			for _, p := range paths {
				b.Run(sizeName(n)+"-"+kind+"/"+p.name, func(b *testing.B) {
					b.SetBytes(int64(len(in)))
					for b.Loop() {
						sink += p.f(in)
					}
				})
			}
		}
	}
}

var sink int

func BenchmarkIndexEOL(b *testing.B) {
	benchPaths(b, []bool{true}, []path{
		{"api", IndexEOL},
		{"generic", indexEOLGeneric},
		{"bytes.IndexByte", func(in []byte) int { return bytes.IndexByte(in, '\n') }},
	})
}

func BenchmarkIndexNonASCII(b *testing.B) {
	benchPaths(b, []bool{true}, []path{
		{"api", IndexNonASCII},
		{"generic", indexNonASCIIGeneric},
	})
}

func BenchmarkIndexEOLNonASCII(b *testing.B) {
	benchPaths(b, []bool{true, false}, []path{
		{"api", func(in []byte) int { i, _ := IndexEOLNonASCII(in); return i }},
		{"generic", func(in []byte) int { i, _ := indexEOLNonASCIIGeneric(in); return i }},
		{"bytes.IndexByte", func(in []byte) int { return bytes.IndexByte(in, '\n') }},
	})
}

func BenchmarkValidUTF8(b *testing.B) {
	benchPaths(b, []bool{true, false}, []path{
		{"api", func(in []byte) int { n, _ := ValidUTF8(in); return n }},
		{"generic", func(in []byte) int { n, _ := validUTF8Generic(in); return n }},
		{"utf8.Valid", func(in []byte) int {
			if utf8.Valid(in) {
				return 1
			}
			return 0
		}},
	})
}

// TestBenchText checks the benchmarks' inputs: valid, the requested
// length or just under it, no line ends, and the share of non-ASCII bytes
// near 5% in text of 1 KiB and more.
func TestBenchText(t *testing.T) {
	for _, n := range benchSizes {
		for _, ascii := range []bool{true, false} {
			in := benchText(n, ascii)
			if !utf8.Valid(in) || len(in) > n || len(in) < n-3 || refIndexEOL(in) >= 0 {
				t.Fatalf("benchText(%d, %t) = %q", n, ascii, in)
			}
			share := nonASCIIShare(in)
			if ascii && share != 0 || !ascii && n >= 1<<10 && (share < 0.03 || share > 0.07) {
				t.Errorf("benchText(%d, %t): %.1f%% non-ASCII", n, ascii, 100*share)
			}
		}
	}
}
