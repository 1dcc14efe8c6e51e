package bytescan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestIndexEOLTable(t *testing.T) {
	tests := []struct {
		in    string
		eol   int
		ascii bool // whether the bytes before the line end are ASCII
	}{
		{"", -1, true},
		{"a", -1, true},
		{"\n", 0, true},
		{"\r", 0, true},
		{"\r\n", 0, true},
		{"abc\ndef", 3, true},
		{"abc\r\ndef", 3, true},
		{"data: x\n", 7, true},
		{"0123456789abcdef\n", 16, true},
		{"0123456789abcdef0123456\r", 23, true},
		{strings.Repeat("x", 100) + "\n", 100, true},
		{strings.Repeat("x", 100), -1, true},
		// Neighbours of LF (0x0A) and CR (0x0D), and the same low bits
		// with the high bit set, are not line ends.
		{"\t\v\f\x0e\x09\x0b\x8a\x8d\x0a", 8, false},
		{"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0b\x0c\x0e\x0f\x10\x7f\r", 16, true},
		// A zero byte before a line end, which makes the word arithmetic
		// borrow.
		{"\x00\x00\x00\n", 3, true},
		{"\x01\n\x01\r", 1, true},
		{"é\n", 2, false},
		{"\né", 0, true},
		{"abcdefg\xff\r", 8, false},
		{"abcdefgh\n\xff", 8, true},
		{"日本語", -1, false},
		{"日本語\r", 9, false},
	}
	for _, tt := range tests {
		for _, m := range allImpls {
			if got := m.indexEOL([]byte(tt.in)); got != tt.eol {
				t.Errorf("%s: IndexEOL(%q) = %d, want %d", m.name, tt.in, got, tt.eol)
			}
			if got, ascii := m.indexEOLNonASCII([]byte(tt.in)); got != tt.eol || ascii != tt.ascii {
				t.Errorf("%s: IndexEOLNonASCII(%q) = %d, %t, want %d, %t", m.name, tt.in, got, ascii, tt.eol, tt.ascii)
			}
		}
	}
}

func TestIndexNonASCIITable(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", -1},
		{"a", -1},
		{"\x7f", -1},
		{"\x80", 0},
		{"\xff", 0},
		{"abc\ndef\r", -1},
		{"é", 0},
		{"café", 3},
		{strings.Repeat("a", 31) + "é", 31},
		{strings.Repeat("a", 32) + "é", 32},
		{strings.Repeat("a", 33) + "é", 33},
		{strings.Repeat("a", 64), -1},
		{strings.Repeat("a", 70) + "\x80" + strings.Repeat("a", 10), 70},
	}
	for _, tt := range tests {
		for _, m := range allImpls {
			if got := m.indexNonASCII([]byte(tt.in)); got != tt.want {
				t.Errorf("%s: IndexNonASCII(%q) = %d, want %d", m.name, tt.in, got, tt.want)
			}
		}
	}
}

func TestValidUTF8Table(t *testing.T) {
	tests := []struct {
		in         string
		n          int
		incomplete bool
	}{
		{"", 0, false},
		{"abc", 3, false},
		{"héllo", 6, false},
		{"日本語", 9, false},
		{"😀", 4, false},
		{"\u007f\u0080\u07ff\u0800\uffff\U00010000\U0010ffff", 1 + 2 + 2 + 3 + 3 + 4 + 4, false},
		// Cut off by the end: a valid start that more bytes could finish.
		{"\xc3", 0, true},
		{"a\xc3", 1, true},
		{"\xe2\x82", 0, true},
		{"\xe2", 0, true},
		{"\xe0\xa0", 0, true},
		{"\xed\x9f", 0, true},
		{"\xf0\x90\x80", 0, true},
		{"\xf0\x90", 0, true},
		{"\xf4\x8f\xbf", 0, true},
		{"ab€cd\xf0\x9f\x98", 7, true},
		// Invalid: bad lead bytes.
		{"\x80", 0, false},
		{"\xbf", 0, false},
		{"\xc0\x80", 0, false}, // overlong NUL
		{"\xc1", 0, false},     // C1 can only start an overlong form, even alone
		{"\xc0", 0, false},
		{"\xf5", 0, false},
		{"\xf5\x80\x80\x80", 0, false},
		{"\xff", 0, false},
		{"ok\xfe", 2, false},
		// Invalid: a bad second byte.
		{"\xc3\x28", 0, false},
		{"\xc3\xc3", 0, false},
		{"\xe0\x80", 0, false},     // overlong three-byte
		{"\xe0\x9f\xbf", 0, false}, // overlong three-byte
		{"\xed\xa0\x80", 0, false}, // surrogate half U+D800
		{"\xed\xbf\xbf", 0, false}, // surrogate half U+DFFF
		{"\xed\xa0", 0, false},     // a surrogate half, even cut off
		{"\xf0\x8f", 0, false},     // overlong four-byte
		{"\xf0\x8f\xbf\xbf", 0, false},
		{"\xf4\x90", 0, false}, // above U+10FFFF
		{"\xf4\x90\x80\x80", 0, false},
		// Invalid: a bad later byte.
		{"\xe2\x82x", 0, false},
		{"\xe2\x82\xc0", 0, false},
		{"\xf0\x9f\x98x", 0, false},
		{"\xf0\x9f\x41\x80", 0, false},
		// Errors after valid text, ASCII and not.
		{"héllo\xffworld", 6, false},
		{strings.Repeat("a", 40) + "\xe2\x82", 40, true},
		{strings.Repeat("é", 40) + "\xed\xa0\x80" + strings.Repeat("a", 40), 80, false},
	}
	for _, tt := range tests {
		if got := utf8.ValidString(tt.in); got != (tt.n == len(tt.in)) {
			t.Fatalf("bad test %q: utf8.ValidString = %t", tt.in, got)
		}
		for _, m := range allImpls {
			if n, inc := m.validUTF8([]byte(tt.in)); n != tt.n || inc != tt.incomplete {
				t.Errorf("%s: ValidUTF8(%q) = %d, %t, want %d, %t", m.name, tt.in, n, inc, tt.n, tt.incomplete)
			}
		}
	}
}

// check compares every implementation with the reference on b.
func check(t *testing.T, b []byte) {
	t.Helper()
	wantEOL := refIndexEOL(b)
	wantHigh := refIndexNonASCII(b)
	wantI, wantASCII := refIndexEOLNonASCII(b)
	wantN, wantInc := refValidUTF8(b)
	checkVectorUTF8(t, b, wantN)
	for _, m := range allImpls {
		if got := m.indexEOL(b); got != wantEOL {
			t.Fatalf("%s: IndexEOL(%q) = %d, want %d", m.name, b, got, wantEOL)
		}
		if got := m.indexNonASCII(b); got != wantHigh {
			t.Fatalf("%s: IndexNonASCII(%q) = %d, want %d", m.name, b, got, wantHigh)
		}
		if i, ascii := m.indexEOLNonASCII(b); i != wantI || ascii != wantASCII {
			t.Fatalf("%s: IndexEOLNonASCII(%q) = %d, %t, want %d, %t", m.name, b, i, ascii, wantI, wantASCII)
		}
		if n, inc := m.validUTF8(b); n != wantN || inc != wantInc {
			t.Fatalf("%s: ValidUTF8(%q) = %d, %t, want %d, %t", m.name, b, n, inc, wantN, wantInc)
		}
	}
}

// specials are the bytes and sequences placed at every position by
// TestPositions: line ends, non-ASCII bytes, valid characters, cut-off and
// invalid sequences, and pairs of them.
var specials = []string{
	"\n", "\r", "\r\n", "\x80", "\xff", "é", "€", "😀",
	"\xe2\x82", "\xf0\x9f\x98", "\xed\xa0\x80", "\xc0\x80", "\xf4\x90\x80\x80",
	"\n\x80", "\x80\n",
}

// backgrounds are the texts the specials are placed in.
var backgrounds = []string{"a", "é", "日", "\x0b", "\x00"}

// maxLen is the longest input of the sweeps: four 32-byte vectors and a
// tail.
const maxLen = 130

// TestPositions puts each special at every position of inputs of every
// length up to maxLen. The slice's alignment and the background vary with
// the length and the position, so the sweep meets each of them many times
// (TestAlignments covers every alignment for every length).
func TestPositions(t *testing.T) {
	buf := make([]byte, 32+maxLen)
	for _, sp := range specials {
		for length := 0; length <= maxLen; length++ {
			for pos := 0; pos <= length; pos++ {
				align := (7*pos + length) % 32
				b := buf[align : align+length]
				fill(b, backgrounds[(pos+length)%len(backgrounds)])
				copy(b[pos:], sp)
				check(t, b)
			}
		}
	}
}

// TestAlignments tries every length up to maxLen at every alignment of the
// slice's start, over each background alone and with a special at its
// first and last byte.
func TestAlignments(t *testing.T) {
	buf := make([]byte, 32+maxLen)
	for align := range 32 {
		for length := 0; length <= maxLen; length++ {
			b := buf[align : align+length]
			for _, bg := range backgrounds {
				fill(b, bg)
				check(t, b)
				if length == 0 {
					continue
				}
				for _, sp := range []string{"\n", "\r", "\xff", "€"} {
					fill(b, bg)
					copy(b, sp)
					check(t, b)
					fill(b, bg)
					copy(b[length-1:], sp)
					check(t, b)
				}
			}
		}
	}
}

// fill fills b with copies of s, the last one cut off if need be.
func fill(b []byte, s string) {
	for i := 0; i < len(b); i += len(s) {
		copy(b[i:], s)
	}
}

// TestShortSequences tries every string of up to four bytes drawn from the
// bytes where UTF-8's rules change, alone and after prefixes that put it at
// the start of a word, inside one, and across a 32-byte vector boundary.
func TestShortSequences(t *testing.T) {
	edges := []byte{
		0x0a, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
		0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef,
		0xf0, 0xf1, 0xf4, 0xf5, 0xff,
	}
	short := []string{"", "a", strings.Repeat("x", 7), "é", strings.Repeat("日", 10) + "a"}
	long := []string{"", strings.Repeat("y", 30)}
	var seq []byte
	var walk func(depth int)
	walk = func(depth int) {
		prefixes := short
		if depth == 4 {
			prefixes = long
		}
		for _, p := range prefixes {
			b := append([]byte(p), seq...)
			checkUTF8(t, b)
			checkUTF8(t, append(b, 'z'))
		}
		if depth == 4 {
			return
		}
		for _, c := range edges {
			seq = append(seq, c)
			walk(depth + 1)
			seq = seq[:len(seq)-1]
		}
	}
	walk(0)
}

// checkUTF8 is check for ValidUTF8 alone.
func checkUTF8(t *testing.T, b []byte) {
	t.Helper()
	wantN, wantInc := refValidUTF8(b)
	checkVectorUTF8(t, b, wantN)
	for _, m := range allImpls {
		if n, inc := m.validUTF8(b); n != wantN || inc != wantInc {
			t.Fatalf("%s: ValidUTF8(%q) = %d, %t, want %d, %t", m.name, b, n, inc, wantN, wantInc)
		}
	}
}

// TestAllTwoBytes tries every pair of bytes, after ASCII and before a
// valid tail.
func TestAllTwoBytes(t *testing.T) {
	for x := range 256 {
		for y := range 256 {
			check(t, []byte{byte(x), byte(y)})
			check(t, []byte{'a', byte(x), byte(y), 0x80, 0x80})
		}
	}
}

// TestRandom compares every implementation with the reference on random
// text built from ASCII, line ends, valid multi-byte characters and
// corrupt bytes, in proportions that vary from input to input.
func TestRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "b", " ", "\n", "\r", "é", "ü", "€", "日本", "😀", "\x80", "\xff", "\xe2\x82", "\xed\xa0\x80"}
	n := 20000
	if testing.Short() {
		n = 2000
	}
	var b []byte
	for range n {
		b = b[:0]
		length := rng.IntN(300)
		weights := make([]int, len(pieces))
		for i := range weights {
			weights[i] = rng.IntN(4) * rng.IntN(4) // often zero: many inputs have none of a piece
		}
		weights[0] += 10 // mostly ASCII text
		total := 0
		for _, w := range weights {
			total += w
		}
		for len(b) < length {
			r := rng.IntN(total)
			for i, w := range weights {
				if r < w {
					b = append(b, pieces[i]...)
					break
				}
				r -= w
			}
		}
		check(t, b)
		// Cut at a random point too, which may split a character.
		check(t, b[:rng.IntN(len(b)+1)])
	}
}

func TestLongInputs(t *testing.T) {
	for _, size := range []int{1 << 10, 64 << 10} {
		ascii := bytes.Repeat([]byte("data: the quick brown fox "), size/26+1)[:size]
		check(t, ascii)
		text := []byte(strings.Repeat("Grüße aus Köln, 日本語のテキスト 😀! ", size/40+1))[:size]
		check(t, text)
		for _, pos := range []int{0, 31, 32, 33, size / 2, size - 33, size - 32, size - 1} {
			for _, sp := range []string{"\n", "\r", "\xff", "\xed\xa0\x80"} {
				b := bytes.Clone(ascii)
				copy(b[pos:], sp)
				check(t, b)
			}
		}
	}
}

func TestNoAllocs(t *testing.T) {
	b := []byte(strings.Repeat("héllo wörld ", 20) + "\n")
	allocs := testing.AllocsPerRun(100, func() {
		_ = IndexEOL(b)
		_ = IndexNonASCII(b)
		_, _ = IndexEOLNonASCII(b)
		_, _ = ValidUTF8(b)
	})
	if allocs != 0 {
		t.Fatalf("allocations per run = %v, want 0", allocs)
	}
}

// ExampleValidUTF8 shows how a reader tells a cut-off character, which the
// next read may finish, from invalid input.
func ExampleValidUTF8() {
	for _, s := range []string{"naïve", "caf\xc3", "caf\xc3(", "\xed\xa0\x80"} {
		n, incomplete := ValidUTF8([]byte(s))
		fmt.Printf("%q: valid prefix %d of %d, incomplete %t\n", s, n, len(s), incomplete)
	}
	// Output:
	// "naïve": valid prefix 6 of 6, incomplete false
	// "caf\xc3": valid prefix 3 of 4, incomplete true
	// "caf\xc3(": valid prefix 3 of 5, incomplete false
	// "\xed\xa0\x80": valid prefix 0 of 3, incomplete false
}

// ExampleIndexEOLNonASCII finds a line end and learns, in the same pass,
// whether the line needs UTF-8 validation.
func ExampleIndexEOLNonASCII() {
	line := []byte("data: Grüße\r\nid: 7\n")
	i, ascii := IndexEOLNonASCII(line)
	fmt.Println(i, ascii)
	// Output:
	// 13 false
}

// TestMixedThenASCII puts errors and cut-off characters around the places
// where the AVX2 validator changes pace: text with non-ASCII bytes (checked
// in full, 64 and 128 bytes at a time), then a run of ASCII long enough, or
// not quite, to go back to skipping ASCII, then more of either.
func TestMixedThenASCII(t *testing.T) {
	mixed := []byte(strings.Repeat("añb ü€x 😀", 40))
	for _, head := range []int{0, 1, 31, 32, 63, 64, 65, 127, 128, 129, 191, 256, 300} {
		for _, run := range []int{0, 1, 63, 64, 127, 128, 200, 255, 256, 257, 384, 520} {
			base := append(bytes.Clone(mixed[:head]), bytes.Repeat([]byte("a"), run)...)
			base = append(base, mixed[:200]...)
			check(t, base)
			for _, pos := range []int{head - 3, head - 1, head, head + run/2, head + run - 1, head + run, head + run + 70} {
				if pos < 0 || pos >= len(base) {
					continue
				}
				for _, sp := range []string{"\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xed\xa0\x80", "\x80"} {
					b := bytes.Clone(base)
					copy(b[pos:], sp)
					check(t, b)
					check(t, b[:min(len(b), pos+len(sp))])
				}
			}
		}
	}
}
