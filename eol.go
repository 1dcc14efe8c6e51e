package sse

import (
	"encoding/binary"
	"math/bits"
)

// shortLine is how far into a line the SWAR search looks before handing
// over to bytescan.IndexEOL. Most lines of real streams are shorter; for
// them a loop inlined into the caller's costs less than a call.
const shortLine = 64

const (
	lsb = 0x0101010101010101 // the low bit of every byte
	msb = 0x8080808080808080 // the high bit of every byte
)

// scanEOL returns the index of the first CR or LF in b, or -1, and whether
// a NUL byte comes before it (all of b when there is none): the one test
// an id line needs besides its end.
//
// It works on eight bytes at a time. CR (0x0D), LF (0x0A) and NUL are all
// below 0x0E, and for a word x, (x - lsb*0x0E) &^ x & msb has its lowest
// set bit in the first byte of x below 0x0E (higher bits may be false
// positives, never lower ones). Such a byte is nearly always CR or LF;
// another control byte (a TAB, say) is stepped over one byte at a time.
func scanEOL(b []byte) (i int, nul bool) {
	n := 0
	for n+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[n:])
		if t := (x - lsb*0x0E) &^ x & msb; t != 0 {
			n += bits.TrailingZeros64(t) >> 3
			switch b[n] {
			case '\n', '\r':
				return n, nul
			case 0:
				nul = true
			}
			n++
			continue
		}
		n += 8
	}
	for ; n < len(b); n++ {
		switch b[n] {
		case '\n', '\r':
			return n, nul
		case 0:
			nul = true
		}
	}
	return -1, nul
}
