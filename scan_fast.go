package sse

import (
	"bytes"

	"github.com/fastsse/sse/internal/bytescan"
)

// The fast path for data, event, id and comment lines.
//
// Most lines of real streams are "data:" lines, and most of them arrive
// many to a Read, often with "event:" and "id:" lines or heartbeat comments
// between them. The general path takes each line through readLine,
// nextLine, processLine, splitField and appendData, which re-check the BOM
// and the pending LF of a CRLF, switch on the field name and decide again
// how the value is kept. dataRun does the same work in one loop over the
// buffered lines, for the lines whose outcome is known in advance. It
// takes a line only when the whole line, up to its CR or LF, is in the
// buffer and within the line limit, so that nextLine would return it
// without reading, and only when the line is valid UTF-8 (see
// Scanner.valid: a line that ends before the mark needs no check), so
// that no U+FFFD is to be substituted.
//
// The fast path runs only after the BOM check and while the event's data is
// a view into the buffer or there is none yet (see fastReady): once a data
// value with invalid UTF-8 has moved the data to dataBuf, the rest of the
// event takes the general path. The lines it takes are:
//
//   - a line starting with "data:", so its field name is "data" (the first
//     colon is at index 4) and its value starts after the colon and one
//     optional space, exactly where splitField cuts it; the event's data
//     must stay within the data limit with this value added, so that
//     appendData would extend the view in place;
//   - a line starting with "event:", whose value, cut the same way, becomes
//     the event type as processLine would set it; being no longer than its
//     line, it is within the limit that checkDecoded applies;
//   - a line starting with "id:", whose value is copied to the ID buffer as
//     processLine would, unless it contains NUL (which the line search
//     notices on its way), when it is ignored;
//   - a comment (a line starting with a colon) when no comment function is
//     set: it changes nothing, so only its end is looked for. With a
//     comment function, comments are left to the general path, which
//     decodes them and makes the call.
//
// Any other line (another field, a partial line, invalid UTF-8, a limit
// about to be exceeded) is left unconsumed, with the Scanner's state as the
// general path expects it, and the general path then does exactly what it
// did before the fast path existed. A blank line right after a line the
// fast path took is consumed too, and Next then handles it as it handles a
// blank line from readLine: the event is dispatched, or, when no data line
// was seen, only the ID and the event type buffer are settled. The fast path
// never reads, so an event is still returned as soon as its blank line is
// in the buffer.
//
// Lines the fast path takes are not counted in the general path's
// predictions of line length (longData, longOther), which only affects how
// fast later lines are searched.

// dataPrefix is how a line starts when its field name is "data" and it has
// a colon.
const dataPrefix = FieldData + ":"

// eventPrefix is how a line starts when its field name is "event" and it has
// a colon.
const eventPrefix = FieldEvent + ":"

// idPrefix is how a line starts when its field name is "id" and it has a
// colon.
const idPrefix = FieldID + ":"

// shortDataLine is the longest data line, in bytes, after which the fast path
// expects the next one to be short too, and searches it with scanEOL rather
// than with bytescan.IndexEOL (see dataLineEnd).
const shortDataLine = 24

// fastReady reports whether the line at the read position may be taken by
// dataRun: it is in the buffer and starts with 'd', 'e', 'i' or ':' (a
// comment, which dataRun leaves when there is a comment function); the BOM
// has been decided; and the event's data can still be kept as a view.
// An LF left over from a CRLF is consumed first if it is in the buffer, as
// readLine would. It is small enough to be inlined into Next, so that other
// lines pay only these checks for the fast path.
func (s *Scanner) fastReady() bool {
	if s.skipLF && s.start < s.end {
		s.takeLF()
	}
	if s.start == s.end || !s.bomDone || s.skipLF || !s.viewing && s.dataLines > 0 {
		return false
	}
	c := s.buf[s.start]
	return c == 'd' || c == 'i' || c == 'e' || c == ':'
}

// takeLF ends a pending CRLF: the byte at the read position, which must be
// in the buffer, is consumed if it is the LF of the CR before it.
func (s *Scanner) takeLF() {
	if s.buf[s.start] == '\n' {
		s.start++
	}
	s.skipLF = false
}

// dataRun consumes the complete data, event, id and comment lines at the
// read position, as described above, and a blank line that follows them. It
// returns true when it consumed that blank line, so the event is to be
// dispatched now (or, with no data, the block ended). The caller must have
// checked fastReady.
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
loop:
	for p < len(buf) {
		var i int // the line end
		switch buf[p] {
		case 'd':
			if len(buf)-p <= len(dataPrefix) || string(buf[p:p+len(dataPrefix)]) != dataPrefix {
				break loop
			}
			// The value runs from after the colon and an optional space
			// to the line end i. (buf[i] is a CR or LF, so the space test
			// stays within the line.)
			// Short lines are searched with scanEOL, here; others with
			// bytescan.IndexEOL, in dataLineEnd. Which way to try first is
			// predicted from the length of the data line before.
			v := p + len(dataPrefix)
			if i = -1; s.dataShort && len(buf)-v >= 16 {
				i = shortEOL((*[16]byte)(buf[v:]))
			}
			if i >= 0 {
				i += v // short: s.dataShort stays true
			} else if !s.dataShort {
				i = s.dataLineEnd(v)
			} else if i, _ = scanEOL(buf[v:min(v+shortLine, len(buf))]); i >= 0 {
				s.dataShort = i <= shortDataLine
				i += v
			} else if len(buf)-v > shortLine {
				i = s.dataLineEnd(v)
			}
			if i < 0 || i-p > s.max || !s.validLine(p, i) {
				break loop // for the general path
			}
			if buf[v] == ' ' {
				v++
			}
			if from < 0 {
				// The first value is a view of its line.
				from, to = v, i
			} else {
				// A further value moves down to follow the data so far
				// after an LF, as in appendData: buf[to] is the line end
				// of the data line before, already consumed, and the
				// value lies after it.
				if to+1+(i-v)-from > s.max {
					break loop // the general path reports ErrTooLong
				}
				buf[to] = '\n'
				to += 1 + copy(buf[to+1:], buf[v:i])
			}
			lines++
		case 'i':
			if len(buf)-p <= len(idPrefix) || string(buf[p:p+len(idPrefix)]) != idPrefix {
				break loop
			}
			v := p + len(idPrefix)
			var nul bool // shortEOL finds no NUL before the line end
			if i = -1; len(buf)-v >= 16 {
				i = shortEOL((*[16]byte)(buf[v:]))
			}
			if i >= 0 {
				i += v
			} else if i, nul = scanEOL(buf[v:min(v+shortLine, len(buf))]); i >= 0 {
				i += v
			} else {
				i, nul = s.longLineEnd(v)
			}
			if i < 0 || i-p > s.max || !s.validLine(p, i) {
				break loop
			}
			if buf[v] == ' ' {
				v++
			}
			// An id with NUL is ignored. The value is no longer than its
			// line, so it is within the limit.
			if !nul {
				s.idBuf = append(s.idBuf[:0], buf[v:i]...)
				s.idSet = true
			}
		case 'e':
			if len(buf)-p <= len(eventPrefix) || string(buf[p:p+len(eventPrefix)]) != eventPrefix {
				break loop
			}
			v := p + len(eventPrefix)
			if i = -1; len(buf)-v >= 16 {
				i = shortEOL((*[16]byte)(buf[v:]))
			}
			if i >= 0 {
				i += v
			} else if i, _ = scanEOL(buf[v:min(v+shortLine, len(buf))]); i >= 0 {
				i += v
			} else {
				i, _ = s.longLineEnd(v)
			}
			if i < 0 || i-p > s.max || !s.validLine(p, i) {
				break loop
			}
			if buf[v] == ' ' {
				v++
			}
			s.typeBuf = append(s.typeBuf[:0], buf[v:i]...)
		case ':':
			if s.onComment != nil {
				break loop // for the general path, which makes the call
			}
			// A comment changes nothing: only its end is needed.
			if i = -1; len(buf)-p >= 17 {
				i = shortEOL((*[16]byte)(buf[p+1:]))
			}
			if i >= 0 {
				i += p + 1
			} else if i, _ = scanEOL(buf[p+1 : min(p+1+shortLine, len(buf))]); i >= 0 {
				i += p + 1
			} else {
				i, _ = s.longLineEnd(p + 1)
			}
			if i < 0 || i-p > s.max {
				break loop // not all in the buffer, or too long: for the general path
			}
		default:
			break loop
		}
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

// longLineEnd is lineEnd for a comment, event or id line whose bytes from
// p on are yet to be searched (the field name and colon hold no line end)
// and whose next shortLine bytes hold no line end: such lines are nearly
// always short (heartbeats, types, counters), so dataRun tries scanEOL
// first, inline. It returns the index of the CR or LF that ends the line,
// or -1 when buf holds no line end yet, and whether a NUL byte lies
// between p and it. The line is searched through the finder, as in
// lineEnd.
func (s *Scanner) longLineEnd(p int) (int, bool) {
	if s.end-p <= shortLine {
		return -1, false
	}
	i := s.eol.at
	if i < p {
		i = s.eol.search(s.buf, p, s.end)
	}
	if i < 0 {
		return -1, false
	}
	return i, bytes.IndexByte(s.buf[p:i], 0) >= 0
}

// dataLineEnd is lineEnd for a long data line whose bytes from p on (after
// "data:") are yet to be searched: it returns the index of the CR or LF
// that ends the line, or -1 when buf holds no line end yet, searching with
// bytescan.IndexEOL through the finder.
func (s *Scanner) dataLineEnd(p int) int {
	i := s.eol.at
	if i < p {
		// s.eol.search written out, which saves a call per line.
		lo := max(p, s.eol.scanned)
		if k := bytescan.IndexEOL(s.buf[lo:s.end]); k >= 0 {
			i = lo + k
			s.eol.at, s.eol.scanned = i, i+1
		} else {
			s.eol.at, s.eol.scanned = -1, s.end
			return -1
		}
	}
	s.dataShort = i-p <= shortDataLine
	return i
}
