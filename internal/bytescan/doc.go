// Package bytescan holds the byte searches at the heart of fastsse's
// Scanner: the first line end (LF or CR), the first byte that is not ASCII,
// both in one pass, and the length of the longest valid UTF-8 prefix.
//
// Each function is pure (it reads its argument and nothing else) and
// allocates nothing. On amd64 with AVX2 the longer inputs are searched 32
// bytes per instruction by routines in Go assembly, chosen once at start-up
// with golang.org/x/sys/cpu; everywhere else, and when the package is built
// with the purego build tag, portable Go code does the same work a word
// (eight bytes) at a time. Both paths return identical results for every
// input; the tests and fuzz targets check that they do.
package bytescan
