package sse

import (
	"math/rand/v2"
	"testing"
)

// TestShortEOL compares shortEOL with its contract on random 16-byte
// blocks drawn from the bytes around its thresholds: the index of the
// first CR or LF when no other byte below 0x0E comes before it, else -1.
func TestShortEOL(t *testing.T) {
	alphabet := []byte{'a', ' ', '\n', '\r', 0, '\t', 0x0C, 0x0E, 0x0F, 0x7F, 0x80, 0xC3, 0xFF}
	rng := rand.New(rand.NewPCG(7, 8))
	var b [16]byte
	for range 200000 {
		density := 1 + rng.IntN(16)
		for k := range b {
			b[k] = 'x'
			if rng.IntN(density) == 0 {
				b[k] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		want := -1
		for k, c := range b {
			if c < 0x0E {
				if c == '\n' || c == '\r' {
					want = k
				}
				break
			}
		}
		if got := shortEOL(&b); got != want {
			t.Fatalf("shortEOL(%q) = %d, want %d", b[:], got, want)
		}
	}
}
