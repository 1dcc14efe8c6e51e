//go:build amd64 && !purego

#include "textflag.h"

// indexEOL, indexNonASCII and indexEOLNonASCII take any b. Without AVX2
// they jump to the portable Go code. With it, inputs of 32 bytes and more
// are searched 64 and then 32 bytes at a time; the last, partial block is
// read as the 32 bytes that end b, overlapping bytes already searched,
// which hold no match. Shorter inputs are read as 16-byte vectors: from 16
// bytes on, the first and the last 16 bytes; below that, 16 bytes from b's
// start, or, when that would cross into the next page (which may not be
// mapped), the 16 bytes that end at b's end, which then lie in b's page;
// the bytes outside b are masked off.

// The searches of inputs below 32 bytes (the blocks marked "small" below)
// set AX to a mask with bit i set when b[i] (SI, length CX, 0 < CX < 32)
// is a match, reading b as explained above.

// BROADCASTEOL sets Y14 to LF and Y15 to CR in every byte.
#define BROADCASTEOL \
	MOVL $0x0a, AX \
	MOVQ AX, X14 \
	VPBROADCASTB X14, Y14 \
	MOVL $0x0d, AX \
	MOVQ AX, X15 \
	VPBROADCASTB X15, Y15

// func indexEOL(b []byte) int
TEXT ·indexEOL(SB), NOSPLIT, $0-32
	CMPB ·useAVX2(SB), $0
	JNE  2(PC)
	JMP  ·indexEOLGeneric(SB)
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	MOVQ SI, DI              // DI = &b[0]
	BROADCASTEOL
	CMPQ CX, $32
	JAE  eol64
	TESTQ CX, CX
	JZ   eolNone
	// small
	CMPQ CX, $16
	JB   tinyEol
	VMOVDQU (SI), X0
	VMOVDQU -16(SI)(CX*1), X1
	VPCMPEQB X15, X0, X2
	VPCMPEQB X14, X0, X0
	VPOR X2, X0, X0
	VPCMPEQB X15, X1, X2
	VPCMPEQB X14, X1, X1
	VPOR X2, X1, X1
	VPMOVMSKB X0, AX
	VPMOVMSKB X1, DX
	SUBQ $16, CX
	SHLL CX, DX   // the last 16 bytes start at b[len(b)-16]
	ORL  DX, AX
	JMP  smallEolDone
tinyEol:
	MOVQ SI, DX
	ANDQ $4095, DX
	CMPQ DX, $4080
	JA   fromEndEol   // 16 bytes from b would cross a page
	VMOVDQU (SI), X0
	VPCMPEQB X15, X0, X2
	VPCMPEQB X14, X0, X0
	VPOR X2, X0, X0
	VPMOVMSKB X0, AX
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	ANDL DX, AX   // only the bytes of b
	JMP  smallEolDone
fromEndEol:
	VMOVDQU -16(SI)(CX*1), X0
	VPCMPEQB X15, X0, X2
	VPCMPEQB X14, X0, X0
	VPOR X2, X0, X0
	VPMOVMSKB X0, AX
	MOVQ CX, R9
	MOVL $16, CX
	SUBL R9, CX
	SHRL CX, AX   // only the bytes of b
smallEolDone:
	TESTL AX, AX
	JNZ  eolFound
	JMP  eolNone
eol64:
	CMPQ CX, $64
	JB   eol32
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VPCMPEQB Y14, Y0, Y2
	VPCMPEQB Y15, Y0, Y3
	VPCMPEQB Y14, Y1, Y4
	VPCMPEQB Y15, Y1, Y5
	VPOR Y3, Y2, Y2          // line ends in the first 32 bytes
	VPOR Y5, Y4, Y4          // and in the second
	VPOR Y4, Y2, Y5
	VPTEST Y5, Y5
	JNZ  eolFound64
	ADDQ $64, SI
	SUBQ $64, CX
	JMP  eol64

eol32:
	CMPQ CX, $32
	JB   eolLast
	VMOVDQU (SI), Y0
	VPCMPEQB Y14, Y0, Y2
	VPCMPEQB Y15, Y0, Y3
	VPOR Y3, Y2, Y2
	VPMOVMSKB Y2, AX
	TESTL AX, AX
	JNZ  eolFound
	ADDQ $32, SI
	SUBQ $32, CX

eolLast:
	TESTQ CX, CX
	JZ   eolNone
	LEAQ -32(SI)(CX*1), SI   // the last 32 bytes of b
	VMOVDQU (SI), Y0
	VPCMPEQB Y14, Y0, Y2
	VPCMPEQB Y15, Y0, Y3
	VPOR Y3, Y2, Y2
	VPMOVMSKB Y2, AX
	TESTL AX, AX
	JNZ  eolFound

eolNone:
	MOVQ $-1, ret+24(FP)
	VZEROUPPER
	RET

eolFound64:
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y4, DX
	SHLQ $32, DX
	ORQ  DX, AX

eolFound:
	BSFQ AX, AX
	ADDQ SI, AX
	SUBQ DI, AX
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET

// func indexNonASCII(b []byte) int
TEXT ·indexNonASCII(SB), NOSPLIT, $0-32
	CMPB ·useAVX2(SB), $0
	JNE  2(PC)
	JMP  ·indexNonASCIIGeneric(SB)
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	MOVQ SI, DI
	CMPQ CX, $32
	JAE  high64
	TESTQ CX, CX
	JZ   highNone
	// small
	CMPQ CX, $16
	JB   tinyHigh
	VMOVDQU (SI), X0
	VMOVDQU -16(SI)(CX*1), X1
	VPMOVMSKB X0, AX
	VPMOVMSKB X1, DX
	SUBQ $16, CX
	SHLL CX, DX   // the last 16 bytes start at b[len(b)-16]
	ORL  DX, AX
	JMP  smallHighDone
tinyHigh:
	MOVQ SI, DX
	ANDQ $4095, DX
	CMPQ DX, $4080
	JA   fromEndHigh   // 16 bytes from b would cross a page
	VMOVDQU (SI), X0
	VPMOVMSKB X0, AX
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	ANDL DX, AX   // only the bytes of b
	JMP  smallHighDone
fromEndHigh:
	VMOVDQU -16(SI)(CX*1), X0
	VPMOVMSKB X0, AX
	MOVQ CX, R9
	MOVL $16, CX
	SUBL R9, CX
	SHRL CX, AX   // only the bytes of b
smallHighDone:
	TESTL AX, AX
	JNZ  highFound
	JMP  highNone
high64:
	CMPQ CX, $64
	JB   high32
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VPOR Y1, Y0, Y2
	VPMOVMSKB Y2, AX
	TESTL AX, AX
	JNZ  highFound64
	ADDQ $64, SI
	SUBQ $64, CX
	JMP  high64

high32:
	CMPQ CX, $32
	JB   highLast
	VMOVDQU (SI), Y0
	VPMOVMSKB Y0, AX
	TESTL AX, AX
	JNZ  highFound
	ADDQ $32, SI
	SUBQ $32, CX

highLast:
	TESTQ CX, CX
	JZ   highNone
	LEAQ -32(SI)(CX*1), SI
	VMOVDQU (SI), Y0
	VPMOVMSKB Y0, AX
	TESTL AX, AX
	JNZ  highFound

highNone:
	MOVQ $-1, ret+24(FP)
	VZEROUPPER
	RET

highFound64:
	VPMOVMSKB Y0, AX
	VPMOVMSKB Y1, DX
	SHLQ $32, DX
	ORQ  DX, AX

highFound:
	BSFQ AX, AX
	ADDQ SI, AX
	SUBQ DI, AX
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET

// func indexEOLNonASCII(b []byte) (int, bool)
//
// Y13 collects the OR of every block searched without a line end; its high
// bits flag a non-ASCII byte before the block being searched.
TEXT ·indexEOLNonASCII(SB), NOSPLIT, $0-33
	CMPB ·useAVX2(SB), $0
	JNE  2(PC)
	JMP  ·indexEOLNonASCIIGeneric(SB)
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	MOVQ SI, DI
	BROADCASTEOL
	VPXOR Y13, Y13, Y13
	CMPQ CX, $32
	JAE  both64
	TESTQ CX, CX
	JZ   bothNone
	// small: the non-ASCII bytes, then the line ends
	MOVQ CX, R10
	CMPQ CX, $16
	JB   tinyBothHigh
	VMOVDQU (SI), X0
	VMOVDQU -16(SI)(CX*1), X1
	VPMOVMSKB X0, AX
	VPMOVMSKB X1, DX
	SUBQ $16, CX
	SHLL CX, DX   // the last 16 bytes start at b[len(b)-16]
	ORL  DX, AX
	JMP  smallBothHighDone
tinyBothHigh:
	MOVQ SI, DX
	ANDQ $4095, DX
	CMPQ DX, $4080
	JA   fromEndBothHigh   // 16 bytes from b would cross a page
	VMOVDQU (SI), X0
	VPMOVMSKB X0, AX
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	ANDL DX, AX   // only the bytes of b
	JMP  smallBothHighDone
fromEndBothHigh:
	VMOVDQU -16(SI)(CX*1), X0
	VPMOVMSKB X0, AX
	MOVQ CX, R9
	MOVL $16, CX
	SUBL R9, CX
	SHRL CX, AX   // only the bytes of b
smallBothHighDone:
	MOVQ AX, R11             // the non-ASCII bytes
	MOVQ R10, CX
	CMPQ CX, $16
	JB   tinyBothEOL
	VMOVDQU (SI), X0
	VMOVDQU -16(SI)(CX*1), X1
	VPCMPEQB X15, X0, X2
	VPCMPEQB X14, X0, X0
	VPOR X2, X0, X0
	VPCMPEQB X15, X1, X2
	VPCMPEQB X14, X1, X1
	VPOR X2, X1, X1
	VPMOVMSKB X0, AX
	VPMOVMSKB X1, DX
	SUBQ $16, CX
	SHLL CX, DX   // the last 16 bytes start at b[len(b)-16]
	ORL  DX, AX
	JMP  smallBothEOLDone
tinyBothEOL:
	MOVQ SI, DX
	ANDQ $4095, DX
	CMPQ DX, $4080
	JA   fromEndBothEOL   // 16 bytes from b would cross a page
	VMOVDQU (SI), X0
	VPCMPEQB X15, X0, X2
	VPCMPEQB X14, X0, X0
	VPOR X2, X0, X0
	VPMOVMSKB X0, AX
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	ANDL DX, AX   // only the bytes of b
	JMP  smallBothEOLDone
fromEndBothEOL:
	VMOVDQU -16(SI)(CX*1), X0
	VPCMPEQB X15, X0, X2
	VPCMPEQB X14, X0, X0
	VPOR X2, X0, X0
	VPMOVMSKB X0, AX
	MOVQ CX, R9
	MOVL $16, CX
	SUBL R9, CX
	SHRL CX, AX   // only the bytes of b
smallBothEOLDone:
	MOVQ R11, DX
	TESTL AX, AX
	JNZ  bothFound
	TESTL DX, DX
	SETEQ ret1+32(FP)
	MOVQ $-1, ret+24(FP)
	VZEROUPPER
	RET
both64:
	CMPQ CX, $64
	JB   both32
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VPCMPEQB Y14, Y0, Y2
	VPCMPEQB Y15, Y0, Y3
	VPCMPEQB Y14, Y1, Y4
	VPCMPEQB Y15, Y1, Y5
	VPOR Y3, Y2, Y2
	VPOR Y5, Y4, Y4
	VPOR Y4, Y2, Y5
	VPTEST Y5, Y5
	JNZ  bothFound64
	VPOR Y0, Y13, Y13
	VPOR Y1, Y13, Y13
	ADDQ $64, SI
	SUBQ $64, CX
	JMP  both64

both32:
	CMPQ CX, $32
	JB   bothLast
	VMOVDQU (SI), Y0
	VPCMPEQB Y14, Y0, Y2
	VPCMPEQB Y15, Y0, Y3
	VPOR Y3, Y2, Y2
	VPMOVMSKB Y2, AX
	TESTL AX, AX
	JNZ  bothFound32
	VPOR Y0, Y13, Y13
	ADDQ $32, SI
	SUBQ $32, CX

bothLast:
	TESTQ CX, CX
	JZ   bothNone
	LEAQ -32(SI)(CX*1), SI
	VMOVDQU (SI), Y0
	VPCMPEQB Y14, Y0, Y2
	VPCMPEQB Y15, Y0, Y3
	VPOR Y3, Y2, Y2
	VPMOVMSKB Y2, AX
	TESTL AX, AX
	JNZ  bothFound32
	VPOR Y0, Y13, Y13

bothNone:
	VPMOVMSKB Y13, DX
	TESTL DX, DX
	SETEQ ret1+32(FP)
	MOVQ $-1, ret+24(FP)
	VZEROUPPER
	RET

bothFound64:
	// AX: the line ends of the 64 bytes, DX: their high bits.
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y4, DX
	SHLQ $32, DX
	ORQ  DX, AX
	VPMOVMSKB Y0, DX
	VPMOVMSKB Y1, R8
	SHLQ $32, R8
	ORQ  R8, DX
	JMP  bothFound

bothFound32:
	MOVL AX, AX              // zero the upper half
	VPMOVMSKB Y0, DX

bothFound:
	BSFQ AX, AX              // the line end's index in the block
	MOVQ AX, CX
	MOVQ $1, R8
	SHLQ CX, R8
	DECQ R8                  // the bytes before the line end
	ANDQ R8, DX              // and those of them that are not ASCII
	VPMOVMSKB Y13, R8        // and any in earlier blocks
	ORQ  R8, DX
	SETEQ ret1+32(FP)
	ADDQ SI, AX
	SUBQ DI, AX
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET

// func validUTF8AVX2(b []byte, t *vectorTables) (n int, clean bool)
//
// The first block is checked against a zero block before it, with the
// bytes 1, 2 and 3 back made by shuffles. Every later block is at least 32
// bytes into b, so the bytes 1, 2 and 3 back are read from memory instead,
// at SI-1, SI-2 and SI-3: loads, which run beside the table shuffles,
// rather than four more shuffles. The main loop takes 64 bytes at a time:
// one test skips them if they are ASCII; otherwise both 32-byte blocks are
// checked, independently, their errors ORed, and tested once; only on an
// error does it look which block has it, and stops at that block's start
// (the portable code then finds the error).
//
// In text with a little non-ASCII (a few percent) whether 64 bytes are
// ASCII is a coin toss, and a branch on it is mispredicted often. So once
// 64 bytes are not ASCII, the loop checks every 128 bytes in full
// (utf8Full, which is right for ASCII too), with one test for errors, and
// goes back to skipping ASCII only after asciiRun ASCII 128-byte runs in a
// row, counted without a branch. On an error there, it checks the 128
// bytes again 64 at a time, which finds the block that has it.
//
// Registers across the loop:
//   R9  the ASCII 128-byte runs in a row (utf8Full)   R11 zero
//   Y6  the bytes of the last block that may start a character cut off by
//       its end (nonzero bytes), or zero (utf8Full recomputes it on leaving)
//   Y8  0x80 in every byte      Y9  0x70        Y10 0x60
//   Y11 cutOff                  Y12 b2High      Y13 b1Low
//   Y14 b1High                  Y15 0x0F

// asciiRun is how many ASCII 128-byte runs in a row take utf8Full back to
// skipping ASCII.
#define asciiRun 2

// UTF8ERRORS sets err to the errors of the block cur, given its bytes 1, 2
// and 3 back in back1, back2, back3 (which it overwrites), using t1 as
// scratch.
#define UTF8ERRORS(cur, back1, back2, back3, t1, err) \
	VPSRLW $4, back1, err \
	VPAND Y15, err, err \
	VPSHUFB err, Y14, err \
	VPAND Y15, back1, back1 \
	VPSHUFB back1, Y13, back1 \
	VPAND back1, err, err \
	VPSRLW $4, cur, t1 \
	VPAND Y15, t1, t1 \
	VPSHUFB t1, Y12, t1 \
	VPAND t1, err, err \
	VPSUBUSB Y10, back2, back2 \
	VPSUBUSB Y9, back3, back3 \
	VPOR back3, back2, back2 \
	VPAND Y8, back2, back2 \
	VPXOR back2, err, err

// UTF8NEXT checks the block at off(SI) in utf8Full: Y1 holds it after.
#define UTF8NEXT(off) \
	VMOVDQU off(SI), Y1 \
	VMOVDQU (off-1)(SI), Y2 \
	VMOVDQU (off-2)(SI), Y3 \
	VMOVDQU (off-3)(SI), Y4 \
	VPOR Y1, Y0, Y0 \
	UTF8ERRORS(Y1, Y2, Y3, Y4, Y7, Y6) \
	VPOR Y6, Y5, Y5

TEXT ·validUTF8AVX2(SB), NOSPLIT, $0-41
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	MOVQ t+24(FP), AX
	MOVQ SI, DI
	VBROADCASTI128 0(AX), Y14
	VBROADCASTI128 16(AX), Y13
	VBROADCASTI128 32(AX), Y12
	VMOVDQU 48(AX), Y11
	VPBROADCASTB 80(AX), Y15
	VPBROADCASTB 81(AX), Y10
	VPBROADCASTB 82(AX), Y9
	VPBROADCASTB 83(AX), Y8
	XORL R11, R11

	// The first block (len(b) >= 32), after a zero block.
	VMOVDQU (SI), Y0
	VPXOR Y6, Y6, Y6
	VPMOVMSKB Y0, AX
	TESTL AX, AX
	JZ   utf8FirstDone       // ASCII: valid, and nothing is cut off
	VPERM2I128 $0x08, Y0, Y0, Y1 // zero, then the low half of the block
	VPALIGNR $15, Y1, Y0, Y2 // 1 back
	VPALIGNR $14, Y1, Y0, Y3 // 2 back
	VPALIGNR $13, Y1, Y0, Y4 // 3 back
	UTF8ERRORS(Y0, Y2, Y3, Y4, Y1, Y5)
	VPTEST Y5, Y5
	JNZ  utf8Stop
	VPSUBUSB Y11, Y0, Y6     // where the block ends inside a character

utf8FirstDone:
	ADDQ $32, SI
	SUBQ $32, CX

utf8Loop:
	// Skipping ASCII, 64 bytes at a time.
	CMPQ CX, $64
	JB   utf8Last
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VPOR Y1, Y0, Y2
	XORL R9, R9
	VPMOVMSKB Y2, AX
	TESTL AX, AX
	JNZ  utf8Check64
	// 64 bytes of ASCII: valid unless the block before ends inside a
	// character.
	VPTEST Y6, Y6
	JNZ  utf8Stop
	ADDQ $64, SI
	SUBQ $64, CX
	JMP  utf8Loop

utf8Full:
	// Checking every 128 bytes, ASCII or not, without a branch on which;
	// R9 counts the ASCII ones in a row, up to asciiRun. Y0 collects the
	// bytes' high bits, Y5 the errors.
	CMPQ CX, $128
	JB   utf8Loop
	VMOVDQU (SI), Y0
	VMOVDQU -1(SI), Y2
	VMOVDQU -2(SI), Y3
	VMOVDQU -3(SI), Y4
	UTF8ERRORS(Y0, Y2, Y3, Y4, Y7, Y5)
	UTF8NEXT(32)
	UTF8NEXT(64)
	UTF8NEXT(96)
	VPTEST Y5, Y5
	JNZ  utf8Error128
	VPMOVMSKB Y0, AX
	INCQ R9
	TESTL AX, AX
	CMOVQNE R11, R9
	VPSUBUSB Y11, Y1, Y6     // where the last block ends inside a character
	ADDQ $128, SI
	SUBQ $128, CX
	CMPQ R9, $asciiRun
	JB   utf8Full
	JMP  utf8Loop

utf8Error128:
	// An error in these 128 bytes: check them again 64 at a time, which
	// stops at the block that has it, after restoring Y6.
	VMOVDQU -32(SI), Y6
	VPSUBUSB Y11, Y6, Y6
	JMP  utf8Loop

utf8Check64:
	VMOVDQU -1(SI), Y2
	VMOVDQU -2(SI), Y3
	VMOVDQU -3(SI), Y4
	UTF8ERRORS(Y0, Y2, Y3, Y4, Y7, Y5)
	VMOVDQU 31(SI), Y2
	VMOVDQU 30(SI), Y3
	VMOVDQU 29(SI), Y4
	UTF8ERRORS(Y1, Y2, Y3, Y4, Y7, Y0)
	VPOR Y0, Y5, Y7
	VPTEST Y7, Y7
	JNZ  utf8Error64
	VPSUBUSB Y11, Y1, Y6     // where the second block ends inside a character
	ADDQ $64, SI
	SUBQ $64, CX
	CMPQ R9, $asciiRun
	JB   utf8Full
	JMP  utf8Loop

utf8Last:
	// One more whole block, if 32 bytes or more are left.
	CMPQ CX, $32
	JB   utf8Tail
	VMOVDQU (SI), Y0
	VPMOVMSKB Y0, AX
	TESTL AX, AX
	JNZ  utf8LastMixed
	VPTEST Y6, Y6
	JNZ  utf8Stop
	VPXOR Y6, Y6, Y6
	ADDQ $32, SI
	SUBQ $32, CX
	JMP  utf8Tail

utf8LastMixed:
	VMOVDQU -1(SI), Y2
	VMOVDQU -2(SI), Y3
	VMOVDQU -3(SI), Y4
	UTF8ERRORS(Y0, Y2, Y3, Y4, Y7, Y5)
	VPTEST Y5, Y5
	JNZ  utf8Stop
	VPSUBUSB Y11, Y0, Y6
	ADDQ $32, SI
	SUBQ $32, CX

utf8Tail:
	// Fewer than 32 bytes are left, and every block was valid: clean
	// unless the last one ends inside a character.
	VPTEST Y6, Y6
	SETEQ clean+40(FP)
	SUBQ DI, SI
	MOVQ SI, n+32(FP)
	VZEROUPPER
	RET

utf8Error64:
	// Stop at the block that has the error: the second one when the
	// first is valid.
	VPTEST Y5, Y5
	JNZ  utf8Stop
	ADDQ $32, SI

utf8Stop:
	MOVB $0, clean+40(FP)
	SUBQ DI, SI
	MOVQ SI, n+32(FP)
	VZEROUPPER
	RET
