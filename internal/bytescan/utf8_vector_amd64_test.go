//go:build amd64 && !purego

package bytescan

import (
	"slices"
	"testing"
	"unsafe"
)

// TestPairTables checks the vector validation's lookup tables on every
// pair of bytes against the rules of UTF-8 for a byte b2 after a byte b1:
// after ASCII or a continuation byte, a continuation byte is an error
// (twoConts marks the latter, which the bytes further back may excuse);
// after a lead byte, b2 must be in that lead's range for its second byte;
// a byte that cannot lead (C0, C1, F5..FF) is an error before any byte.
func TestPairTables(t *testing.T) {
	tb := &utf8Tables
	for b1 := range 256 {
		for b2 := range 256 {
			got := tb.b1High[b1>>4] & tb.b1Low[b1&15] & tb.b2High[b2>>4]
			cont2 := b2&0xC0 == 0x80
			var want byte // 0 (valid), twoConts, or any other bit (an error)
			switch info := leads[b1]; {
			case b1&0xC0 == 0x80:
				if cont2 {
					want = twoConts
				}
			case info&7 == 1: // ASCII
				if cont2 {
					want = tooLong
				}
			case info&7 == 0: // cannot lead
				want = tooShort
			default:
				if r := acceptRanges[info>>4]; byte(b2) < r.lo || byte(b2) > r.hi {
					want = tooShort
				}
			}
			switch {
			case want == twoConts && got != twoConts,
				want == 0 && got != 0,
				want != 0 && want != twoConts && got&^twoConts == 0:
				t.Errorf("pair %02X %02X: lookup %08b, want %08b", b1, b2, got, want)
			}
		}
	}
}

// TestTablesLayout checks the offsets at which validUTF8AVX2 loads the
// tables.
func TestTablesLayout(t *testing.T) {
	var v vectorTables
	got := []uintptr{unsafe.Offsetof(v.b1High), unsafe.Offsetof(v.b1Low), unsafe.Offsetof(v.b2High), unsafe.Offsetof(v.cutOff), unsafe.Offsetof(v.consts)}
	want := []uintptr{0, 16, 32, 48, 80}
	if !slices.Equal(got, want) {
		t.Fatalf("offsets %v, want %v (see validUTF8AVX2)", got, want)
	}
}
