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

// shortEOL returns the index of the first CR or LF in the 16 bytes of b
// when no other byte below 0x0E comes before it (see scanEOL), and -1
// otherwise: then scanEOL decides. It is small enough to be inlined, which
// saves the call of scanEOL on the short lines that make up most of a
// stream of small events: heartbeat comments, ids, event types, short
// data. See eolAt for slices.
func shortEOL(b *[16]byte) int {
	k := 0
	x := binary.LittleEndian.Uint64(b[:8])
	if (x-lsb*0x0E)&^x&msb == 0 {
		x = binary.LittleEndian.Uint64(b[8:])
		k = 8
	}
	t := (x - lsb*0x0E) &^ x & msb
	if t == 0 {
		return -1
	}
	k += bits.TrailingZeros64(t) >> 3
	if c := b[k&15]; c != '\n' && c != '\r' {
		return -1
	}
	return k
}
