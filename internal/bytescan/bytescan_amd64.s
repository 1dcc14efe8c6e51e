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
// Registers across the loop:
//   Y7  the block before (zero before the first), for the bytes 1 to 3 back
//   Y6  the bytes of the block before that may start a character cut off
//       by its end (nonzero bytes), or zero
//   Y8  0x80 in every byte      Y9  0x70        Y10 0x60
//   Y11 cutOff                  Y12 b2High      Y13 b1Low
//   Y14 b1High                  Y15 0x0F
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
	VPXOR Y7, Y7, Y7
	VPXOR Y6, Y6, Y6

utf8Loop:
	// Two blocks of ASCII at a time, as long as they last.
	CMPQ CX, $64
	JB   utf8Block
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VPOR Y1, Y0, Y2
	VPMOVMSKB Y2, AX
	TESTL AX, AX
	JNZ  utf8Block
	VPTEST Y6, Y6            // unless the block before ends inside a character
	JNZ  utf8Stop
	VMOVDQA Y1, Y7
	ADDQ $64, SI
	SUBQ $64, CX
	JMP  utf8Loop

utf8Block:
	CMPQ CX, $32
	JB   utf8Tail
	VMOVDQU (SI), Y0
	VPMOVMSKB Y0, AX
	TESTL AX, AX
	JNZ  utf8Mixed
	VPTEST Y6, Y6
	JNZ  utf8Stop
	VMOVDQA Y0, Y7
	VPXOR Y6, Y6, Y6
	ADDQ $32, SI
	SUBQ $32, CX
	JMP  utf8Loop

utf8Mixed:
	// Y1 = the high half of the block before, then the low half of this
	// one; aligning it with this block gives the bytes 1, 2, 3 back.
	VPERM2I128 $0x21, Y0, Y7, Y1
	VPALIGNR $15, Y1, Y0, Y2 // 1 back
	VPALIGNR $14, Y1, Y0, Y3 // 2 back
	VPALIGNR $13, Y1, Y0, Y4 // 3 back

	// The pair errors: the AND of the three lookups.
	VPSRLW $4, Y2, Y5
	VPAND Y15, Y5, Y5
	VPSHUFB Y5, Y14, Y5      // by the high nibble 1 back
	VPAND Y15, Y2, Y1
	VPSHUFB Y1, Y13, Y1      // by the low nibble 1 back
	VPAND Y1, Y5, Y5
	VPSRLW $4, Y0, Y1
	VPAND Y15, Y1, Y1
	VPSHUFB Y1, Y12, Y1      // by this byte's high nibble
	VPAND Y1, Y5, Y5

	// 0x80 where a continuation byte is due: 2 back is E0 or above, or 3
	// back is F0 or above. It must match twoConts exactly.
	VPSUBUSB Y10, Y3, Y3
	VPSUBUSB Y9, Y4, Y4
	VPOR Y4, Y3, Y3
	VPAND Y8, Y3, Y3
	VPXOR Y3, Y5, Y5
	VPTEST Y5, Y5
	JNZ  utf8Stop

	VPSUBUSB Y11, Y0, Y6     // where the block ends inside a character
	VMOVDQA Y0, Y7
	ADDQ $32, SI
	SUBQ $32, CX
	JMP  utf8Loop

utf8Tail:
	// Fewer than 32 bytes are left, and every block was valid: clean
	// unless the last one ends inside a character.
	VPTEST Y6, Y6
	SETEQ clean+40(FP)
	SUBQ DI, SI
	MOVQ SI, n+32(FP)
	VZEROUPPER
	RET

utf8Stop:
	MOVB $0, clean+40(FP)
	SUBQ DI, SI
	MOVQ SI, n+32(FP)
	VZEROUPPER
	RET
