//go:build amd64 && !purego

package bytescan

import "golang.org/x/sys/cpu"

// useAVX2 reports whether the processor and the operating system support
// AVX2, so that the vectorised routines may run. It is decided once. The
// assembly reads it too (it must stay a bool variable), and the tests set
// it to false to run the assembly as it runs without AVX2.
var useAVX2 = cpu.X86.HasAVX2

// minVector is the shortest input handed to validUTF8AVX2, which needs at
// least one whole 32-byte vector. Shorter inputs are validated by the
// portable code.
const minVector = 32

// indexEOL, indexNonASCII and indexEOLNonASCII are written in assembly
// (bytescan_amd64.s). They are called directly by the API, which the
// compiler inlines, so a search costs a single call; without AVX2 they
// jump to the portable code.

//go:noescape
func indexEOL(b []byte) int

//go:noescape
func indexNonASCII(b []byte) int

//go:noescape
func indexEOLNonASCII(b []byte) (int, bool)

func validUTF8(b []byte) (n int, incomplete bool) {
	if useAVX2 && len(b) >= minVector {
		return validUTF8Vector(b)
	}
	return validUTF8Generic(b)
}

// validUTF8Vector is ValidUTF8 for inputs of at least 32 bytes on a
// processor with AVX2. The vector routine proves whole 32-byte blocks valid
// and stops at the first block with an error, or where fewer than 32 bytes
// are left; the portable code then finishes from the start of the
// character that the last proven byte belongs to, which may continue past
// the blocks (or be cut off by the end of b). So the exact n and
// incomplete always come from the portable code, and the vector routine
// only decides how far it may skip.
func validUTF8Vector(b []byte) (n int, incomplete bool) {
	m, clean := validUTF8AVX2(b, &utf8Tables)
	if clean {
		// b[:m] is valid and ends with a whole character.
		if m == len(b) {
			return m, false
		}
		n, incomplete = validUTF8Generic(b[m:])
		return m + n, incomplete
	}
	if m == 0 {
		return validUTF8Generic(b)
	}
	// b[:m] is valid UTF-8 except that its last character may be cut off
	// at m: step back from its last byte over at most three continuation
	// bytes to where that character starts.
	p := m - 1
	for k := 0; k < 3 && p > 0 && b[p]&0xC0 == 0x80; k++ {
		p--
	}
	n, incomplete = validUTF8Generic(b[p:])
	return p + n, incomplete
}

// validUTF8AVX2 returns how many bytes of b, a multiple of 32, it proved
// to be valid UTF-8 but for a character that may be cut off at that point
// (see validUTF8Vector), using the lookup tables t, and whether it stopped
// only because fewer than 32 bytes were left, after a whole character.
// len(b) must be at least 32.
//
//go:noescape
func validUTF8AVX2(b []byte, t *vectorTables) (n int, clean bool)
