// Package bytescan holds the byte searches at the heart of fastsse's
// Scanner: the first line end (LF or CR), the first byte that is not ASCII,
// both in one pass, and the length of the longest valid UTF-8 prefix.
//
// Each function is pure (it reads its argument and nothing else) and
// allocates nothing.
//
// On amd64 with AVX2 (detected once, at start-up, with
// golang.org/x/sys/cpu), the searches are Go assembly that tests 32 bytes
// per instruction, and 16 bytes at a time below 32; ValidUTF8 validates
// 32-byte blocks with the lookup-table method of Keiser and Lemire
// ("Validating UTF-8 in less than one instruction per byte", 2021), 64 or
// 128 bytes per step, skipping runs of ASCII 64 bytes at a time, and leaves
// a tail of fewer than 32 bytes, and inputs shorter than that, to the
// portable code.
//
// Everywhere else, on amd64 without AVX2, and whenever the package is built
// with the purego build tag, portable Go code does the same work a word
// (eight bytes) at a time. Both paths return identical results for every
// input; the tests and the fuzz targets check that they do.
package bytescan
