package bytescan

// IndexEOL returns the index of the first '\n' or '\r' in b, or -1.
func IndexEOL(b []byte) int {
	return indexEOL(b)
}

// IndexNonASCII returns the index of the first byte ≥ 0x80 in b, or -1.
func IndexNonASCII(b []byte) int {
	return indexNonASCII(b)
}

// IndexEOLNonASCII scans b once: i is the index of the first '\n' or '\r'
// (-1 if none) and ascii reports whether every byte before i (all of b when
// i == -1) is < 0x80.
func IndexEOLNonASCII(b []byte) (i int, ascii bool) {
	return indexEOLNonASCII(b)
}

// ValidUTF8 returns n, the length of the longest prefix of b that is valid
// UTF-8 as utf8.Valid defines it (no surrogate halves, no overlong forms,
// nothing above U+10FFFF). When n < len(b), b[n:] begins with an invalid
// sequence or with a sequence cut off by the end of b; incomplete reports
// which: it is true only when b[n:] is the valid start of a multi-byte
// character that reaches the end of b, so more bytes could complete it.
// When n == len(b), incomplete is false.
//
// ValidUTF8(b) returns (len(b), false) exactly when utf8.Valid(b).
func ValidUTF8(b []byte) (n int, incomplete bool) {
	return validUTF8(b)
}
