package bytescan

import "testing"

// The fuzz targets compare every implementation (the API, the portable
// code and, on amd64 with AVX2, the vector routines) with the reference
// loops on the same input, placed at an alignment the fuzzer also picks.
// Their seed corpora are in testdata/fuzz.

// aligned returns a copy of b that starts align%32 bytes into a fresh
// buffer, so that the vector routines meet every alignment.
func aligned(b []byte, align uint8) []byte {
	off := int(align % 32)
	buf := make([]byte, off+len(b))
	copy(buf[off:], b)
	return buf[off:]
}

func FuzzIndexEOL(f *testing.F) {
	f.Add([]byte("data: hello\r\n"), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, align uint8) {
		b = aligned(b, align)
		want := refIndexEOL(b)
		wantI, wantASCII := refIndexEOLNonASCII(b)
		for _, m := range allImpls {
			if got := m.indexEOL(b); got != want {
				t.Fatalf("%s: IndexEOL(%q) = %d, want %d", m.name, b, got, want)
			}
			if i, ascii := m.indexEOLNonASCII(b); i != wantI || ascii != wantASCII {
				t.Fatalf("%s: IndexEOLNonASCII(%q) = %d, %t, want %d, %t", m.name, b, i, ascii, wantI, wantASCII)
			}
		}
	})
}

func FuzzIndexNonASCII(f *testing.F) {
	f.Add([]byte("data: héllo\n"), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, align uint8) {
		b = aligned(b, align)
		want := refIndexNonASCII(b)
		for _, m := range allImpls {
			if got := m.indexNonASCII(b); got != want {
				t.Fatalf("%s: IndexNonASCII(%q) = %d, want %d", m.name, b, got, want)
			}
		}
	})
}

func FuzzValidUTF8(f *testing.F) {
	f.Add([]byte("data: 日本語 😀 \xed\xa0\x80"), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, align uint8) {
		b = aligned(b, align)
		checkUTF8(t, b)
	})
}
