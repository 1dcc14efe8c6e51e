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

// benchInputs runs fn for each size and kind of text.
func benchInputs(b *testing.B, kinds []bool, fn func(b *testing.B, in []byte)) {
	for _, n := range benchSizes {
		for _, ascii := range kinds {
			in := benchText(n, ascii)
			kind := "ascii"
			if !ascii {
				kind = "text"
			}
			b.Run(sizeName(n)+"-"+kind, func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				fn(b, in)
			})
		}
	}
}

var sink int

func BenchmarkIndexEOL(b *testing.B) {
	benchInputs(b, []bool{true}, func(b *testing.B, in []byte) {
		b.Run("api", func(b *testing.B) {
			for b.Loop() {
				sink += IndexEOL(in)
			}
		})
		b.Run("generic", func(b *testing.B) {
			for b.Loop() {
				sink += indexEOLGeneric(in)
			}
		})
		b.Run("bytes.IndexByte", func(b *testing.B) {
			for b.Loop() {
				sink += bytes.IndexByte(in, '\n')
			}
		})
	})
}

func BenchmarkIndexNonASCII(b *testing.B) {
	benchInputs(b, []bool{true}, func(b *testing.B, in []byte) {
		b.Run("api", func(b *testing.B) {
			for b.Loop() {
				sink += IndexNonASCII(in)
			}
		})
		b.Run("generic", func(b *testing.B) {
			for b.Loop() {
				sink += indexNonASCIIGeneric(in)
			}
		})
	})
}

func BenchmarkIndexEOLNonASCII(b *testing.B) {
	benchInputs(b, []bool{true, false}, func(b *testing.B, in []byte) {
		b.Run("api", func(b *testing.B) {
			for b.Loop() {
				i, _ := IndexEOLNonASCII(in)
				sink += i
			}
		})
		b.Run("generic", func(b *testing.B) {
			for b.Loop() {
				i, _ := indexEOLNonASCIIGeneric(in)
				sink += i
			}
		})
		b.Run("bytes.IndexByte", func(b *testing.B) {
			for b.Loop() {
				sink += bytes.IndexByte(in, '\n')
			}
		})
	})
}

func BenchmarkValidUTF8(b *testing.B) {
	benchInputs(b, []bool{true, false}, func(b *testing.B, in []byte) {
		b.Run("api", func(b *testing.B) {
			for b.Loop() {
				n, _ := ValidUTF8(in)
				sink += n
			}
		})
		b.Run("generic", func(b *testing.B) {
			for b.Loop() {
				n, _ := validUTF8Generic(in)
				sink += n
			}
		})
		b.Run("utf8.Valid", func(b *testing.B) {
			for b.Loop() {
				if utf8.Valid(in) {
					sink++
				}
			}
		})
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
