package sse

import (
	"bytes"
	"unicode/utf8"
)

// The fast path for data lines.
//
// Most lines of real streams are "data:" lines, and most of them arrive
// many to a Read. The general path takes each line through readLine,
// nextLine, processLine, splitField and appendData, which re-check the BOM
// and the pending LF of a CRLF, switch on the field name and decide again
// how the data is kept. dataRun does the same work in one loop over the
// buffered lines, for the lines whose outcome is known in advance:
//
//   - the line starts with "data:", so its field name is "data" (the first
//     colon is at index 4) and its value starts after the colon and one
//     optional space, exactly where splitField cuts it;
//   - the whole line, up to its CR or LF, is in the buffer and within the
//     line limit, so nextLine would return it without reading;
//   - the value is valid UTF-8, so it is kept as it is, with no U+FFFD to
//     substitute;
//   - the event's data is still a view into the buffer (or there is none
//     yet) and stays within the data limit with this value added, so
//     appendData would extend the view in place.
//
// Any other line (another field, a comment, a partial line, invalid UTF-8,
// a limit about to be exceeded) is left unconsumed, with the Scanner's
// state as the general path expects it, and the general path then does
// exactly what it did before the fast path existed. A blank line right
// after the run is consumed too, so that Next dispatches the event without
// another trip through readLine. The fast path never reads, so an event is
// still returned as soon as its blank line is in the buffer.

// dataPrefix is how a line starts when its field name is "data" and it has
// a colon.
const dataPrefix = FieldData + ":"

// shortDataLine is the longest data line, in bytes, after which the fast path
// expects the next one to be short too, and searches it with scanEOL rather
// than with IndexByte (see dataLineEnd).
const shortDataLine = 24

// fastReady reports whether the line at the read position may be taken by
// dataRun: it is in the buffer and starts with 'd', the BOM has been
// decided, and the event's data can still be kept as a view. An LF left
// over from a CRLF is consumed first if it is in the buffer, as readLine
// would. It is small enough to be inlined into Next, so that other lines
// pay only these checks for the fast path.
func (s *Scanner) fastReady() bool {
	if s.skipLF && s.start < s.end {
		s.takeLF()
	}
	return s.start < s.end && s.buf[s.start] == 'd' &&
		s.bomDone && !s.skipLF && (s.viewing || s.dataLines == 0)
}

// takeLF ends a pending CRLF: the byte at the read position, which must be
// in the buffer, is consumed if it is the LF of the CR before it.
func (s *Scanner) takeLF() {
	if s.buf[s.start] == '\n' {
		s.start++
	}
	s.skipLF = false
}

// dataRun consumes the complete "data:" lines at the read position, as
// described above, and a blank line that follows them. It returns true when
// it consumed that blank line, so the event is to be dispatched now. The
// caller must have checked fastReady.
//
// The loop works on locals (the read position p and the data view
// buf[from:to]) and stores them back once at the end.
func (s *Scanner) dataRun() (blank bool) {
	buf, p := s.buf[:s.end], s.start
	from, to := -1, -1 // the event's data so far, when it has some
	if s.viewing {
		// The view lies in s.buf (see appendData): its offset follows
		// from the capacities.
		from = cap(s.buf) - cap(s.dataView)
		to = from + len(s.dataView)
	}
	lines := s.dataLines
	for len(buf)-p > len(dataPrefix) && string(buf[p:p+len(dataPrefix)]) == dataPrefix {
		// The value runs from after the colon and an optional space to
		// the line end i. (buf[i] is a CR or LF, so the space test stays
		// within the line.)
		i, ascii := s.dataLineEnd(p)
		if i < 0 || i-p > s.max {
			break // not all in the buffer, or too long: for the general path
		}
		v := p + len(dataPrefix)
		if buf[v] == ' ' {
			v++
		}
		if !ascii && !utf8.Valid(buf[v:i]) {
			break // the general path substitutes U+FFFD
		}
		if from < 0 {
			// The first value is a view of its line.
			from, to = v, i
		} else {
			// A further value moves down to follow the data so far after
			// an LF, as in appendData: buf[to] is the line end of the line
			// before, already consumed, and the value lies after it.
			if to+1+(i-v)-from > s.max {
				break // the general path reports ErrTooLong
			}
			buf[to] = '\n'
			to += 1 + copy(buf[to+1:], buf[v:i])
		}
		lines++
		p = i + 1
		if buf[i] == '\r' {
			// An LF right after a CR belongs to it, as readLine decides;
			// when it may be yet to come, the general path waits for it.
			if p == len(buf) {
				s.skipLF = true
				break
			}
			if buf[p] == '\n' {
				p++
			}
		}
		if p == len(buf) {
			break
		}
		if c := buf[p]; c == '\n' || c == '\r' {
			// A blank line, as nextLine reads it.
			s.skipLF = c == '\r'
			p++
			blank = true
			break
		}
	}
	s.start, s.dataLines = p, lines
	if from >= 0 {
		s.viewing, s.dataView = true, s.buf[from:to]
	}
	return blank
}

// dataLineEnd is lineEnd for the data line at p, tuned for the fast path:
// it returns the index of the CR or LF that ends the line, or -1 when buf
// holds no line end yet, and whether the line is all ASCII.
//
// Short lines are searched with scanEOL, which finds the end and checks for
// ASCII in one pass. Others are searched for LF with IndexByte, through the
// finders. In a stream with no CR and only ASCII, the CR and non-ASCII
// finders know after one search ahead through the buffer that there are
// none before the LF, so no further search is made for them until the next
// Read; otherwise they search on from where they stopped, as in lineEnd.
// Which way to try first is predicted from the length of the data line
// before.
func (s *Scanner) dataLineEnd(p int) (int, bool) {
	if s.dataShort {
		i, ascii := scanEOL(s.buf[p:min(p+shortLine, s.end)])
		if i >= 0 {
			s.dataShort = i <= shortDataLine
			return p + i, ascii
		}
		if s.end-p <= shortLine {
			return -1, false
		}
	}
	i := s.lf.at
	if i < p {
		// s.lf.search written out, which saves a call per line.
		lo := max(p, s.lf.scanned)
		if k := bytes.IndexByte(s.buf[lo:s.end], '\n'); k >= 0 {
			i = lo + k
			s.lf.at, s.lf.scanned = i, i+1
		} else {
			i = -1
			s.lf.at, s.lf.scanned = -1, s.end
		}
	}
	// A CR before i (or anywhere, when there is no LF) ends the line
	// first. The finder needs no search when it has already looked
	// further without finding one.
	lim := i
	if i < 0 {
		lim = s.end
	}
	j := s.cr.at
	if j < p && s.cr.scanned < lim {
		j = s.cr.search(s.buf, p, s.end, '\r')
	}
	if j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i < 0 {
		return -1, false
	}
	s.dataShort = i-p <= shortDataLine
	h := s.high.at
	if h < p && s.high.scanned < i {
		h = s.high.searchHigh(s.buf, p, s.end)
	}
	return i, h < 0 || h >= i
}
