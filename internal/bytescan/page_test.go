//go:build unix

package bytescan

import (
	"syscall"
	"testing"
)

// TestPageBoundaries places inputs at the very start and the very end of a
// page whose neighbours are not readable, so a routine that reads outside
// its input (the assembly reads whole vectors) faults and fails the test.
func TestPageBoundaries(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mprotect(mem[2*page:], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	mid := mem[page : 2*page : 2*page]
	for length := 0; length <= 70; length++ {
		for _, at := range []string{"start", "end"} {
			b := mid[:length:length]
			if at == "end" {
				b = mid[page-length:]
			}
			for _, bg := range backgrounds {
				fill(b, bg)
				check(t, b)
				for pos := 0; pos < length; pos++ {
					for _, sp := range []string{"\n", "\r", "\xff", "€", "\xf0\x9f\x98"} {
						fill(b, bg)
						copy(b[pos:], sp)
						check(t, b)
					}
				}
			}
		}
	}
}
