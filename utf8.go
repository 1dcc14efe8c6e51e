package sse

import "unicode/utf8"

// replacement is U+FFFD REPLACEMENT CHARACTER encoded as UTF-8.
const replacement = "\uFFFD"

// appendUTF8 appends src to dst, replacing each maximal subpart of an
// ill-formed UTF-8 sequence with one U+FFFD, exactly as the WHATWG Encoding
// Standard's UTF-8 decoder does (and so as browsers decode an event stream).
//
// This differs from a Go range loop and from strings.ToValidUTF8: a truncated
// sequence such as E2 82 yields one U+FFFD (a range loop yields two), while
// each byte of a surrogate such as ED A0 80 yields its own U+FFFD
// (strings.ToValidUTF8 merges them into one).
//
// Well-formed input is appended unchanged, with a single validation pass.
func appendUTF8(dst, src []byte) []byte {
	if utf8.Valid(src) {
		return append(dst, src...)
	}
	for len(src) > 0 {
		r, n := utf8.DecodeRune(src)
		if r != utf8.RuneError || n > 1 {
			dst = append(dst, src[:n]...)
			src = src[n:]
			continue
		}
		// src[0] does not start a well-formed sequence here. Skip the
		// maximal subpart: the lead byte plus every continuation byte that
		// still fits a well-formed sequence, then emit one U+FFFD for it.
		dst = append(dst, replacement...)
		src = src[maximalSubpart(src):]
	}
	return dst
}

// maximalSubpart returns the length (at least 1) of the longest prefix of s
// that is the start of a well-formed UTF-8 sequence but not a whole one, given
// that s does not begin with a whole well-formed sequence.
func maximalSubpart(s []byte) int {
	var need int                     // continuation bytes a whole sequence would have
	lo, hi := byte(0x80), byte(0xBF) // allowed range of the first continuation byte
	switch b := s[0]; {
	case b >= 0xC2 && b <= 0xDF:
		need = 1
	case b == 0xE0:
		need, lo = 2, 0xA0
	case b >= 0xE1 && b <= 0xEC, b == 0xEE, b == 0xEF:
		need = 2
	case b == 0xED:
		need, hi = 2, 0x9F
	case b == 0xF0:
		need, lo = 3, 0x90
	case b >= 0xF1 && b <= 0xF3:
		need = 3
	case b == 0xF4:
		need, hi = 3, 0x8F
	default: // 80..C1, F5..FF: never valid as a lead byte
		return 1
	}
	n := 1
	for ; n <= need && n < len(s); n++ {
		if s[n] < lo || s[n] > hi {
			break
		}
		lo, hi = 0x80, 0xBF // only the first continuation byte has a narrower range
	}
	return n
}
