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
// the bytes before it (all of b when there is none) are ASCII.
//
// It works on eight bytes at a time. CR (0x0D) and LF (0x0A) are both below
// 0x0E, and for a word x, (x - lsb*0x0E) &^ x & msb has its lowest set bit
// in the first byte of x below 0x0E (higher bits may be false positives,
// never lower ones). Such a byte is nearly always CR or LF; another control
// byte (a TAB, say) is stepped over one byte at a time.
func scanEOL(b []byte) (i int, ascii bool) {
	var high uint64 // the OR of the bytes examined: its msb bits flag non-ASCII
	n := 0
	for n+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[n:])
		if t := (x - lsb*0x0E) &^ x & msb; t != 0 {
			k := bits.TrailingZeros64(t) >> 3
			if c := b[n+k]; c == '\n' || c == '\r' {
				high |= x & (1<<(8*k) - 1)
				return n + k, high&msb == 0
			}
			high |= x & (1<<(8*(k+1)) - 1)
			n += k + 1
			continue
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

// indexHigh returns the index of the first byte of b that is not ASCII, or
// -1. It tests 32 bytes per step, so it is fastest over a whole read
// window at once, which is how the Scanner calls it.
func indexHigh(b []byte) int {
	n := 0
	for ; len(b)-n >= 32; n += 32 {
		w := b[n : n+32]
		if (binary.LittleEndian.Uint64(w)|binary.LittleEndian.Uint64(w[8:])|
			binary.LittleEndian.Uint64(w[16:])|binary.LittleEndian.Uint64(w[24:]))&msb != 0 {
			break
		}
	}
	for ; n < len(b); n++ {
		if b[n] >= 0x80 {
			return n
		}
	}
	return -1
}
