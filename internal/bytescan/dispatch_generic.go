package bytescan

// Until the vectorised routines land, every platform uses the portable code.

func indexEOL(b []byte) int                       { return indexEOLGeneric(b) }
func indexNonASCII(b []byte) int                  { return indexNonASCIIGeneric(b) }
func indexEOLNonASCII(b []byte) (int, bool)       { return indexEOLNonASCIIGeneric(b) }
func validUTF8(b []byte) (n int, incomplete bool) { return validUTF8Generic(b) }
