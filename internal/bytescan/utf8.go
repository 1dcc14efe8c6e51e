package bytescan

import "encoding/binary"

// acceptRange is the range allowed for the second byte of a multi-byte
// sequence. It is narrower than the continuation bytes' 80..BF after the
// lead bytes E0 (no overlong three-byte forms), ED (no surrogate halves),
// F0 (no overlong four-byte forms) and F4 (nothing above U+10FFFF).
type acceptRange struct{ lo, hi byte }

// acceptRanges are indexed by the upper nibble of a leads entry.
var acceptRanges = [...]acceptRange{
	0: {0x80, 0xBF},
	1: {0xA0, 0xBF}, // after E0
	2: {0x80, 0x9F}, // after ED
	3: {0x90, 0xBF}, // after F0
	4: {0x80, 0x8F}, // after F4
}

// leads describes every byte as the first byte of a sequence: the low three
// bits are the length of the sequence it starts (1 for ASCII, 0 when it
// cannot start one: a continuation byte, C0, C1, F5..FF), the upper nibble
// the index in acceptRanges for its second byte.
var leads = func() (t [256]uint8) {
	for c := range 0x80 {
		t[c] = 1
	}
	for c := 0xC2; c <= 0xDF; c++ {
		t[c] = 2
	}
	for c := 0xE0; c <= 0xEF; c++ {
		t[c] = 3
	}
	for c := 0xF0; c <= 0xF4; c++ {
		t[c] = 4
	}
	t[0xE0] |= 1 << 4
	t[0xED] |= 2 << 4
	t[0xF0] |= 3 << 4
	t[0xF4] |= 4 << 4
	return t
}()

// validUTF8Generic is ValidUTF8 in portable Go: runs of ASCII four or one
// words of eight bytes at a time, the rest a character at a time.
func validUTF8Generic(b []byte) (n int, incomplete bool) {
	for n < len(b) {
		if r := b[n:]; len(r) >= 8 && binary.LittleEndian.Uint64(r)&msb == 0 {
			// A run of ASCII: skip it 32, then 8 bytes at a time.
			r = r[8:]
			for len(r) >= 32 && (binary.LittleEndian.Uint64(r)|binary.LittleEndian.Uint64(r[8:])|
				binary.LittleEndian.Uint64(r[16:])|binary.LittleEndian.Uint64(r[24:]))&msb == 0 {
				r = r[32:]
			}
			for len(r) >= 8 && binary.LittleEndian.Uint64(r)&msb == 0 {
				r = r[8:]
			}
			n = len(b) - len(r)
			continue
		}
		c := b[n]
		if c < 0x80 {
			n++
			continue
		}
		info := leads[c]
		size := int(info & 7)
		if size == 0 {
			return n, false
		}
		if len(b)-n < size {
			k, _ := sequence(b[n:]) // cut off, unless invalid already
			return n, k < 0
		}
		if r := acceptRanges[info>>4]; b[n+1] < r.lo || b[n+1] > r.hi {
			return n, false
		}
		switch size {
		case 3:
			if b[n+2]&0xC0 != 0x80 {
				return n, false
			}
		case 4:
			if b[n+2]&0xC0 != 0x80 || b[n+3]&0xC0 != 0x80 {
				return n, false
			}
		}
		n += size
	}
	return n, false
}

// sequence checks the sequence of two to four bytes that s, whose first
// byte is not ASCII, starts with. It returns its length and true when it is
// valid; 0 and false when it is invalid; -1 and false when s is too short
// to hold it but every byte it does hold fits.
func sequence(s []byte) (int, bool) {
	info := leads[s[0]]
	size := int(info & 7)
	if size == 0 {
		return 0, false
	}
	if len(s) < 2 {
		return -1, false
	}
	if r := acceptRanges[info>>4]; s[1] < r.lo || s[1] > r.hi {
		return 0, false
	}
	for k := 2; k < size; k++ {
		if len(s) <= k {
			return -1, false
		}
		if s[k]&0xC0 != 0x80 {
			return 0, false
		}
	}
	return size, true
}
