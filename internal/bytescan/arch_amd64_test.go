//go:build amd64 && !purego

package bytescan

import (
	"testing"
	"unicode/utf8"
)

// archImpls returns the assembly routines, when this processor has AVX2.
// The search routines take inputs of any length themselves; validUTF8Vector
// needs 32 bytes, as in the dispatch.
func archImpls() []impl {
	if !useAVX2 {
		return nil
	}
	return []impl{{
		"AVX2", indexEOL, indexNonASCII, indexEOLNonASCII,
		func(b []byte) (int, bool) {
			if len(b) < minVector {
				return validUTF8Generic(b)
			}
			return validUTF8Vector(b)
		},
	}}
}

// checkVectorUTF8 checks how far validUTF8AVX2 goes on b, whose longest
// valid prefix is n bytes long. Its answer is never wrong, whatever the
// vector routine returns, since the portable code finishes the job; so this
// checks the vector routine itself: it must skip every whole block of the
// valid prefix (no false alarm), and must not skip past the block in which
// the first error shows (the portable code finishes from there).
func checkVectorUTF8(t *testing.T, b []byte, n int) {
	t.Helper()
	if !useAVX2 || len(b) < minVector {
		return
	}
	m, clean := validUTF8AVX2(b, &utf8Tables)
	blocks := len(b) &^ 31
	// Every byte of the prefix that is in a whole block, and the rest of
	// its character, is passed.
	want := min(n&^31, blocks)
	if n == len(b) {
		want = blocks
	}
	if m%32 != 0 || m < want || m > blocks {
		t.Fatalf("validUTF8AVX2(%q) = %d, want a multiple of 32 in [%d, %d] (valid prefix %d)", b, m, want, blocks, n)
	}
	// Clean means the blocks hold only whole characters, and the vector
	// routine stopped for want of a block.
	if clean && (len(b)-m >= 32 || n < m || !utf8.Valid(b[:m])) {
		t.Fatalf("validUTF8AVX2(%q) = %d, clean, with %d bytes valid", b, m, n)
	}
	// An error shows at most three bytes after the start of the invalid
	// sequence (at n); a block after it is never reached.
	if n < len(b) && m > (n+3)&^31 {
		t.Fatalf("validUTF8AVX2(%q) = %d, past the first error at %d", b, m, n)
	}
}

// TestWithoutAVX2 runs the assembly routines as they run on a processor
// without AVX2, where they hand over to the portable code.
func TestWithoutAVX2(t *testing.T) {
	saved := useAVX2
	useAVX2 = false
	defer func() { useAVX2 = saved }()
	buf := make([]byte, 32+maxLen)
	for length := 0; length <= maxLen; length++ {
		b := buf[length%32 : length%32+length]
		for _, sp := range specials {
			for pos := 0; pos <= length; pos += 1 + length/8 {
				fill(b, "é")
				copy(b[pos:], sp)
				check(t, b)
			}
		}
	}
}
