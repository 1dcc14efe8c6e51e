package sse

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestUTF8MaximalSubpart checks appendUTF8 against the WHATWG Encoding
// Standard's UTF-8 decoder, which replaces each maximal subpart of an
// ill-formed sequence (Unicode §3.9, "U+FFFD Substitution of Maximal
// Subparts") with one U+FFFD.
func TestUTF8MaximalSubpart(t *testing.T) {
	const r = "\uFFFD"
	tests := []struct {
		name, in, want string
	}{
		// Well-formed input is unchanged.
		{"empty", "", ""},
		{"ascii", "abc", "abc"},
		{"nul", "\x00", "\x00"},
		{"two bytes", "\xc2\x80 \xc3\xa9 \xdf\xbf", "\u0080 é \u07ff"},
		{"three bytes", "\xe0\xa0\x80 \xe2\x82\xac \xed\x9f\xbf \xee\x80\x80 \xef\xbf\xbd", "\u0800 € \ud7ff \ue000 \ufffd"},
		{"four bytes", "\xf0\x90\x80\x80 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf", "\U00010000 😀 \U0010ffff"},
		{"bom", "\xef\xbb\xbf", "\ufeff"},

		// Truncated sequences: one U+FFFD for all the bytes.
		{"truncated three-byte", "\xe2\x82", r},
		{"truncated three-byte then ascii", "a\xe2\x82b", "a" + r + "b"},
		{"truncated four-byte", "\xf0\x9f\x98", r},
		{"truncated four-byte then ascii", "\xf0\x9f\x98A", r + "A"},
		{"truncated four-byte of two", "\xf0\x9f", r},
		{"lead alone", "\xc2", r},
		{"lead then ascii", "\xc2A", r + "A"},
		{"truncated E0 after valid second", "\xe0\xa0", r},
		{"truncated ED after valid second", "\xed\x9f", r},
		{"truncated F4 after valid second", "\xf4\x8f\xbf", r},
		{"truncated then complete", "\xe2\x82\xe2\x82\xac", r + "€"},
		{"two truncated", "\xe2\x82\xe2\x82", r + r},
		{"truncated then lead", "\xe2\xc3\xa9", r + "é"},

		// A byte that cannot continue the sequence ends the subpart and is
		// looked at afresh.
		{"surrogate", "\xed\xa0\x80", r + r + r},
		{"surrogate high end", "\xed\xbf\xbf", r + r + r},
		{"overlong three-byte", "\xe0\x80\xaf", r + r + r},
		{"overlong three-byte largest", "\xe0\x9f\xbf", r + r + r},
		{"overlong two-byte C0", "\xc0\xaf", r + r},
		{"overlong two-byte C1", "\xc1\xbf", r + r},
		{"overlong four-byte", "\xf0\x80\x80\x80", r + r + r + r},
		{"overlong four-byte 8F", "\xf0\x8f\xbf\xbf", r + r + r + r},
		{"above U+10FFFF", "\xf4\x90\x80\x80", r + r + r + r},
		{"lone continuation", "\x80", r},
		{"lone continuation BF", "\xbf", r},
		{"continuations", "\x80\x80\x80", r + r + r},
		{"too many continuations", "\xc3\xa9\x80", "é" + r},

		// Bytes never used in UTF-8: one U+FFFD each.
		{"F5", "\xf5", r},
		{"F5 with continuations", "\xf5\x80\x80\x80", r + r + r + r},
		{"F8", "\xf8\x88\x80\x80\x80", r + r + r + r + r},
		{"FE FF", "\xfe\xff", r + r},
		{"F5 to FF", "\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff", strings.Repeat(r, 11)},

		// Mixed.
		{"mixed", "a\xffb\xc3\xa9c", "a" + r + "bé" + "c"},
		{"mixed many", "\xe6\x88\x91\xe2\x82\x80\xf0\x9f\x98\x80\xed\xa0\x80x\xf4\x90", "我₀😀" + r + r + r + "x" + r + r},
		{"U+FFFD itself then invalid", "\xef\xbf\xbd\xef\xbf", "\ufffd" + r},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := appendUTF8(nil, []byte(tt.in))
			if string(got) != tt.want {
				t.Fatalf("appendUTF8(% x) = %q, want %q", tt.in, got, tt.want)
			}
			// dst is appended to, not overwritten.
			dst := append(make([]byte, 0, 64), "pre"...)
			if got := appendUTF8(dst, []byte(tt.in)); string(got) != "pre"+tt.want {
				t.Fatalf("appendUTF8(%q, % x) = %q", dst, tt.in, got)
			}
		})
	}
}

// wellFormed is Unicode Table 3-7, "Well-Formed UTF-8 Byte Sequences": the
// ranges each byte of a sequence may take, by first byte.
var wellFormed = [][]struct{ lo, hi byte }{
	{{0x00, 0x7F}},
	{{0xC2, 0xDF}, {0x80, 0xBF}},
	{{0xE0, 0xE0}, {0xA0, 0xBF}, {0x80, 0xBF}},
	{{0xE1, 0xEC}, {0x80, 0xBF}, {0x80, 0xBF}},
	{{0xED, 0xED}, {0x80, 0x9F}, {0x80, 0xBF}},
	{{0xEE, 0xEF}, {0x80, 0xBF}, {0x80, 0xBF}},
	{{0xF0, 0xF0}, {0x90, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}},
	{{0xF1, 0xF3}, {0x80, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}},
	{{0xF4, 0xF4}, {0x80, 0x8F}, {0x80, 0xBF}, {0x80, 0xBF}},
}

// refDecode is the reference for appendUTF8, written straight from
// Table 3-7 and the definition of a maximal subpart: at each position, the
// longest prefix of a row of the table that the bytes match is either a
// whole sequence, copied, or a maximal subpart (at least one byte),
// replaced by one U+FFFD.
func refDecode(src []byte) []byte {
	var out []byte
	for len(src) > 0 {
		matched, whole := 1, false
		for _, row := range wellFormed {
			if src[0] < row[0].lo || src[0] > row[0].hi {
				continue
			}
			k := 1
			for k < len(row) && k < len(src) && src[k] >= row[k].lo && src[k] <= row[k].hi {
				k++
			}
			matched, whole = k, k == len(row)
			break
		}
		if whole {
			out = append(out, src[:matched]...)
		} else {
			out = append(out, "\uFFFD"...)
		}
		src = src[matched:]
	}
	return out
}

// interestingBytes are the bytes at the edges of Table 3-7's ranges.
var interestingBytes = []byte{
	0x00, 0x0A, 0x0D, 0x3A, 0x41, 0x7F,
	0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
	0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
	0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFF,
}

// checkAppendUTF8 reports how appendUTF8 is wrong about in, if it is: it must
// agree with the reference, return valid UTF-8 and leave valid input as it
// is.
func checkAppendUTF8(in []byte) error {
	got := appendUTF8(nil, in)
	if want := refDecode(in); !bytes.Equal(got, want) {
		return fmt.Errorf("appendUTF8(% x) = %q, reference %q", in, got, want)
	}
	if !utf8.Valid(got) {
		return fmt.Errorf("appendUTF8(% x) = %q is not valid UTF-8", in, got)
	}
	if utf8.Valid(in) && !bytes.Equal(got, in) {
		return fmt.Errorf("appendUTF8 changed valid input % x to %q", in, got)
	}
	return nil
}

// TestUTF8Reference checks the reference decoder itself on cases worked
// out by hand, so that agreeing with it means something.
func TestUTF8Reference(t *testing.T) {
	for in, want := range map[string]string{
		"\xe2\x82":          "\uFFFD",
		"\xed\xa0\x80":      "\uFFFD\uFFFD\uFFFD",
		"\xe0\x80\xaf":      "\uFFFD\uFFFD\uFFFD",
		"\xf0\x9f\x98":      "\uFFFD",
		"\xc0\xaf":          "\uFFFD\uFFFD",
		"\xf4\x90\x80\x80":  "\uFFFD\uFFFD\uFFFD\uFFFD",
		"a\xf0\x9f\x98\x80": "a😀",
		"\xff\xfe":          "\uFFFD\uFFFD",
	} {
		if got := refDecode([]byte(in)); string(got) != want {
			t.Errorf("refDecode(% x) = %q, want %q", in, got, want)
		}
	}
}

// TestUTF8Exhaustive compares appendUTF8 with the reference on every one-
// and two-byte input, and on every input of three and four bytes drawn from
// the bytes at the edges of the table's ranges.
func TestUTF8Exhaustive(t *testing.T) {
	var in [4]byte
	check := func(in []byte) {
		if err := checkAppendUTF8(in); err != nil {
			t.Fatal(err)
		}
	}
	for a := range 256 {
		in[0] = byte(a)
		check(in[:1])
		for b := range 256 {
			in[1] = byte(b)
			check(in[:2])
		}
	}
	for _, a := range interestingBytes {
		for _, b := range interestingBytes {
			for _, c := range interestingBytes {
				in = [4]byte{a, b, c}
				check(in[:3])
				for _, d := range interestingBytes {
					in[3] = d
					check(in[:4])
				}
			}
		}
	}
}

// TestUTF8Random compares appendUTF8 with the reference on random inputs
// of up to 40 bytes, from all bytes and from the interesting ones, mixed
// with valid sequences.
func TestUTF8Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	valid := []string{"a", "é", "€", "😀", "\U0010ffff", "\ufffd"}
	for range 50000 {
		var in []byte
		for range rng.IntN(41) {
			switch rng.IntN(3) {
			case 0:
				in = append(in, byte(rng.IntN(256)))
			case 1:
				in = append(in, interestingBytes[rng.IntN(len(interestingBytes))])
			default:
				in = append(in, valid[rng.IntN(len(valid))]...)
			}
		}
		if err := checkAppendUTF8(in); err != nil {
			t.Fatal(err)
		}
	}
}

// TestUTF8InScanner checks that the Scanner decodes data, type, id and
// comment values as the reference does, whatever the chunking: the
// sequences it must replace are split across reads, and lines are long and
// short.
func TestUTF8InScanner(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// value returns random bytes that are never CR, LF or NUL, and never
	// begin with a space (which the field syntax would drop).
	value := func() []byte {
		n := rng.IntN(12)
		if rng.IntN(8) == 0 {
			n += 100 + rng.IntN(300)
		}
		b := []byte{'v'}
		for range n {
			var c byte
			if rng.IntN(2) == 0 {
				c = byte(rng.IntN(256))
			} else {
				c = interestingBytes[rng.IntN(len(interestingBytes))]
			}
			if c == '\r' || c == '\n' || c == 0 {
				c = 'x'
			}
			b = append(b, c)
		}
		return b
	}
	for round := range 200 {
		var in bytes.Buffer
		var want []Event
		var comments []string
		for range 1 + rng.IntN(5) {
			typ, id, data, comment := value(), value(), value(), value()
			fmt.Fprintf(&in, "event: %s\nid: %s\n:%s\ndata: %s\n\n", typ, id, comment, data)
			want = append(want, Event{Type: string(refDecode(typ)), ID: string(refDecode(id)), Data: string(refDecode(data))})
			comments = append(comments, string(refDecode(comment)))
		}
		for _, size := range []int{1, 7, 4096} {
			got := scanAll(randomChunks(in.Bytes(), uint64(round), size), 0)
			if got.err != nil {
				t.Fatalf("round %d: Err() = %v", round, got.err)
			}
			if !slices.Equal(got.events, want) || !slices.Equal(got.comments, comments) {
				t.Fatalf("round %d, chunks of 1..%d: input %q\nevents %q\nwant   %q\ncomments %q\nwant     %q",
					round, size, in.Bytes(), got.events, want, got.comments, comments)
			}
		}
	}
}
