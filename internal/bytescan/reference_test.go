package bytescan

import "unicode/utf8"

// The reference implementations: the plainest loops that state each
// function's contract, against which every path is compared.

func refIndexEOL(b []byte) int {
	for i, c := range b {
		if c == '\n' || c == '\r' {
			return i
		}
	}
	return -1
}

func refIndexNonASCII(b []byte) int {
	for i, c := range b {
		if c >= 0x80 {
			return i
		}
	}
	return -1
}

func refIndexEOLNonASCII(b []byte) (int, bool) {
	i := refIndexEOL(b)
	before := b
	if i >= 0 {
		before = b[:i]
	}
	return i, refIndexNonASCII(before) < 0
}

// refValidUTF8 decodes rune by rune with the standard library and stops at
// the first error; utf8.FullRune is false exactly for a valid but cut-off
// start of a sequence (it treats an invalid one as a whole, width-1 error).
func refValidUTF8(b []byte) (int, bool) {
	n := 0
	for n < len(b) {
		r, size := utf8.DecodeRune(b[n:])
		if r == utf8.RuneError && size == 1 {
			return n, !utf8.FullRune(b[n:])
		}
		n += size
	}
	return n, false
}

// impl is one way of computing the package's functions: the exported API
// (whatever the dispatch chose on this machine) or one of the paths
// directly.
type impl struct {
	name             string
	indexEOL         func([]byte) int
	indexNonASCII    func([]byte) int
	indexEOLNonASCII func([]byte) (int, bool)
	validUTF8        func([]byte) (int, bool)
}

// allImpls are every implementation available on this machine.
var allImpls = append([]impl{
	{"API", IndexEOL, IndexNonASCII, IndexEOLNonASCII, ValidUTF8},
	{"generic", indexEOLGeneric, indexNonASCIIGeneric, indexEOLNonASCIIGeneric, validUTF8Generic},
}, archImpls()...)
