//go:build amd64 && !purego

package bytescan

// The vectorised UTF-8 validation follows the lookup method of Keiser and
// Lemire ("Validating UTF-8 in less than one instruction per byte",
// Software: Practice and Experience, 2021).
//
// Every error in UTF-8 shows in a pair of adjacent bytes, the byte before
// (b1) and the byte itself (b2), except for a missing or an extra third or
// fourth byte, which needs the bytes two and three places back. The pair
// errors are described by three nibbles: b1's high and low nibbles and
// b2's high nibble. Each kind of error is a product of three sets of
// nibbles and owns one bit; three 16-entry tables, indexed by each nibble,
// hold for every nibble the bits of the kinds whose set includes it. One
// byte shuffle per table looks up 32 bytes at once, and the AND of the
// three lookups has a kind's bit exactly where the pair is of that kind.
//
// Two continuation bytes in a row are such a pair (kind twoConts); they
// are right exactly when the byte two places back starts a three- or
// four-byte character, or the byte three places back a four-byte one.
// That is computed from the bytes two and three back, as the bit 0x80,
// and XORed into twoConts's bit, which is also 0x80: the pair is an error
// when exactly one of the two holds.
//
// Blocks whose bytes are all ASCII are skipped with one test, two blocks at
// a time where there are two, after a check that the block before does not
// end inside a character (cutOff).

// The kinds of pair errors, one bit each. overlong4 and tooLarge1000 share
// a bit: their union is still a product of nibble sets.
const (
	tooShort     = 1 << 0 // a lead byte not followed by a continuation byte
	tooLong      = 1 << 1 // a continuation byte after ASCII
	overlong3    = 1 << 2 // E0 80..9F
	tooLarge     = 1 << 3 // F4 90..BF, F5..FF 90..BF
	surrogate    = 1 << 4 // ED A0..BF
	overlong2    = 1 << 5 // C0 or C1 then a continuation byte
	overlong4    = 1 << 6 // F0 80..8F
	tooLarge1000 = 1 << 6 // F5..FF 80..8F
	twoConts     = 1 << 7 // a continuation byte after a continuation byte
)

// pairError is one kind of pair error: the nibbles of the byte before
// (high, low) and of the byte itself (high) that make it, as ranges.
type pairError struct {
	bit                 byte
	b1High, b1Low, b2Hi [2]byte // inclusive ranges
}

var pairErrors = []pairError{
	{tooShort, [2]byte{0xC, 0xF}, [2]byte{0x0, 0xF}, [2]byte{0x0, 0x7}},
	{tooShort, [2]byte{0xC, 0xF}, [2]byte{0x0, 0xF}, [2]byte{0xC, 0xF}},
	{tooLong, [2]byte{0x0, 0x7}, [2]byte{0x0, 0xF}, [2]byte{0x8, 0xB}},
	{overlong3, [2]byte{0xE, 0xE}, [2]byte{0x0, 0x0}, [2]byte{0x8, 0x9}},
	{tooLarge, [2]byte{0xF, 0xF}, [2]byte{0x4, 0xF}, [2]byte{0x9, 0xB}},
	{surrogate, [2]byte{0xE, 0xE}, [2]byte{0xD, 0xD}, [2]byte{0xA, 0xB}},
	{overlong2, [2]byte{0xC, 0xC}, [2]byte{0x0, 0x1}, [2]byte{0x8, 0xB}},
	{overlong4, [2]byte{0xF, 0xF}, [2]byte{0x0, 0x0}, [2]byte{0x8, 0x8}},
	{tooLarge1000, [2]byte{0xF, 0xF}, [2]byte{0x5, 0xF}, [2]byte{0x8, 0x8}},
	{twoConts, [2]byte{0x8, 0xB}, [2]byte{0x0, 0xF}, [2]byte{0x8, 0xB}},
}

// vectorTables are the constants of validUTF8AVX2, laid out as it loads
// them.
type vectorTables struct {
	b1High, b1Low, b2High [16]byte // the lookup tables, by nibble
	// cutOff is, for each byte of a block, the largest value that does
	// not start a character running past the block's end: any byte
	// value at the first 29 places, below F0 three from the end, below
	// E0 two from the end, below C0 at the end.
	cutOff [32]byte
	// consts are broadcast to every byte: the nibble mask, and the
	// values subtracted from the bytes 2 and 3 back to leave 0x80 set
	// exactly in those at or above E0 and F0, and that 0x80.
	consts [4]byte
}

var utf8Tables = func() (t vectorTables) {
	for _, e := range pairErrors {
		for n := e.b1High[0]; n <= e.b1High[1]; n++ {
			t.b1High[n] |= e.bit
		}
		for n := e.b1Low[0]; n <= e.b1Low[1]; n++ {
			t.b1Low[n] |= e.bit
		}
		for n := e.b2Hi[0]; n <= e.b2Hi[1]; n++ {
			t.b2High[n] |= e.bit
		}
	}
	for i := range t.cutOff {
		t.cutOff[i] = 0xFF
	}
	t.cutOff[29], t.cutOff[30], t.cutOff[31] = 0xEF, 0xDF, 0xBF
	t.consts = [4]byte{0x0F, 0xE0 - 0x80, 0xF0 - 0x80, 0x80}
	return t
}()
