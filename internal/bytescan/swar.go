package bytescan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// The portable searches work on a word of eight bytes at a time (SWAR,
// "SIMD within a register"), read little-endian so that the first byte of
// the slice is the lowest byte of the word on every platform.

const (
	lsb = 0x0101010101010101 // the low bit of every byte
	msb = 0x8080808080808080 // the high bit of every byte

	lf = lsb * '\n' // LF in every byte
	cr = lsb * '\r' // CR in every byte
)

// zeroBytes returns a word whose lowest set bit is the high bit of the
// first zero byte of v (counting from the low end), or 0 when v has no zero
// byte. Bits above that one may be set falsely (a borrow runs up from the
// zero byte), never bits below it, so only the lowest set bit is meaningful.
func zeroBytes(v uint64) uint64 {
	return (v - lsb) &^ v & msb
}

// eolBytes returns a word whose lowest set bit is the high bit of the first
// LF or CR byte in x, or 0 when x holds neither. As with zeroBytes, only the
// lowest set bit is meaningful: it is the lowest of the two searches' lowest
// bits, each exact.
func eolBytes(x uint64) uint64 {
	return zeroBytes(x^lf) | zeroBytes(x^cr)
}

// firstByte returns the index, 0 to 7, of the byte of a word that holds the
// lowest set bit of t, which must not be 0.
func firstByte(t uint64) int {
	return bits.TrailingZeros64(t) >> 3
}

// Long inputs are searched a chunk at a time with bytes.IndexByte, which
// the standard library vectorises on most platforms: once for LF, then for
// CR in the bytes before the LF. Searching a chunk at a time bounds the
// bytes searched in vain for LF when a CR comes first.
const (
	longInput = 64  // the length from which inputs are searched by chunk
	chunk     = 512 // the chunk's length
)

// indexEOLGeneric is IndexEOL in portable Go.
func indexEOLGeneric(b []byte) int {
	if len(b) >= longInput {
		for n := 0; n < len(b); n += chunk {
			if i := indexEOLChunk(b[n:min(n+chunk, len(b))]); i >= 0 {
				return n + i
			}
		}
		return -1
	}
	n := 0
	for ; len(b)-n >= 16; n += 16 {
		x := binary.LittleEndian.Uint64(b[n:])
		y := binary.LittleEndian.Uint64(b[n+8:])
		tx, ty := eolBytes(x), eolBytes(y)
		if tx|ty != 0 {
			if tx != 0 {
				return n + firstByte(tx)
			}
			return n + 8 + firstByte(ty)
		}
	}
	if len(b)-n >= 8 {
		if t := eolBytes(binary.LittleEndian.Uint64(b[n:])); t != 0 {
			return n + firstByte(t)
		}
		n += 8
	}
	for ; n < len(b); n++ {
		if c := b[n]; c == '\n' || c == '\r' {
			return n
		}
	}
	return -1
}

// indexEOLChunk is IndexEOL through bytes.IndexByte.
func indexEOLChunk(c []byte) int {
	i := bytes.IndexByte(c, '\n')
	if i >= 0 {
		c = c[:i]
	}
	if j := bytes.IndexByte(c, '\r'); j >= 0 {
		return j
	}
	return i
}

// indexNonASCIIGeneric is IndexNonASCII in portable Go. It tests 32 bytes
// per step and looks inside a block only when the block has a high bit set.
func indexNonASCIIGeneric(b []byte) int {
	n := 0
	for ; len(b)-n >= 32; n += 32 {
		w := b[n : n+32]
		if (binary.LittleEndian.Uint64(w)|binary.LittleEndian.Uint64(w[8:])|
			binary.LittleEndian.Uint64(w[16:])|binary.LittleEndian.Uint64(w[24:]))&msb != 0 {
			break
		}
	}
	for ; len(b)-n >= 8; n += 8 {
		if t := binary.LittleEndian.Uint64(b[n:]) & msb; t != 0 {
			return n + firstByte(t)
		}
	}
	for ; n < len(b); n++ {
		if b[n] >= 0x80 {
			return n
		}
	}
	return -1
}

// indexEOLNonASCIIGeneric is IndexEOLNonASCII in portable Go: one pass
// that finds the line end and collects the high bits of the bytes before
// it.
func indexEOLNonASCIIGeneric(b []byte) (int, bool) {
	if len(b) >= longInput {
		ascii := true
		for n := 0; n < len(b); n += chunk {
			c := b[n:min(n+chunk, len(b))]
			i := indexEOLChunk(c)
			if i >= 0 {
				c = c[:i]
			}
			ascii = ascii && indexNonASCIIGeneric(c) < 0
			if i >= 0 {
				return n + i, ascii
			}
		}
		return -1, ascii
	}
	var high uint64 // the OR of the bytes passed: its msb bits flag non-ASCII
	n := 0
	for ; len(b)-n >= 8; n += 8 {
		x := binary.LittleEndian.Uint64(b[n:])
		if t := eolBytes(x); t != 0 {
			// Keep the high bits of the bytes below the line end only:
			// t's lowest set bit is the line end's high bit, so the mask
			// below it covers exactly those bytes' high bits.
			high |= x & (t&-t - 1)
			return n + firstByte(t), high&msb == 0
		}
		high |= x
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
