package sse

import (
	"encoding/binary"
	"math/bits"
)

// shortLine is how far into a line the SWAR search looks before handing
// over to bytes.IndexByte. Most lines of real streams are shorter; for them
// one pass finds the line end and tells whether the line is ASCII, without
// the fixed cost of two IndexByte calls and a UTF-8 validation.
const shortLine = 64

const (
	lsb = 0x0101010101010101 // the low bit of every byte
	msb = 0x8080808080808080 // the high bit of every byte
)

// scanEOL returns the index of the first CR or LF in b, or -1, and whether
// the bytes before it (all of b when there is none) are ASCII. It works on
// eight bytes at a time: for a word x, (v-lsb) &^ v & msb with v = x^c has
// its lowest set bit in the first byte of x equal to c (higher bits may be
// false positives, but never lower ones).
func scanEOL(b []byte) (i int, ascii bool) {
	var high uint64 // the OR of the bytes examined: its msb bits flag non-ASCII
	n := 0
	for w := b; len(w) >= 8; w = w[8:] {
		x := binary.LittleEndian.Uint64(w)
		lf, cr := x^(lsb*'\n'), x^(lsb*'\r')
		if t := ((lf-lsb)&^lf | (cr-lsb)&^cr) & msb; t != 0 {
			k := bits.TrailingZeros64(t) >> 3
			high |= x & (1<<(8*k) - 1)
			return n + k, high&msb == 0
		}
		high |= x
		n += 8
	}
	for ; n < len(b); n++ {
		c := b[n]
		if c == '\n' || c == '\r' {
			return n, high&msb == 0
		}
		high |= uint64(c)
	}
	return -1, high&msb == 0
}
