//go:build !amd64 || purego

package bytescan

// Without a vectorised path for this platform (or with the purego build
// tag), every function is the portable code.

func indexEOL(b []byte) int                       { return indexEOLGeneric(b) }
func indexNonASCII(b []byte) int                  { return indexNonASCIIGeneric(b) }
func indexEOLNonASCII(b []byte) (int, bool)       { return indexEOLNonASCIIGeneric(b) }
func validUTF8(b []byte) (n int, incomplete bool) { return validUTF8Generic(b) }
