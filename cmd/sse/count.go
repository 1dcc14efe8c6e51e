package main

// An eventCounter counts the events a stream dispatches as its bytes go
// by, without keeping them, for the progress of sse record.
//
// Its rule, from WHATWG HTML §9.2.6: a blank line dispatches an event when
// a "data" field came since the last blank line. Whether a line is a
// "data" field shows in its first five bytes ("data" alone, or "data:"),
// so the counter keeps no more than those: it needs no buffer and has no
// limit, whatever the length of a line. Lines end at CRLF, LF or CR; one
// leading byte order mark is skipped.
type eventCounter struct {
	events int64 // events dispatched so far

	head    [5]byte // the first bytes of the current line
	col     int     // length of the current line so far, counted up to len(head)+1
	data    bool    // a "data" field came since the last blank line
	afterCR bool    // the last byte was a CR, so an LF now ends no line
	bom     int     // bytes of the leading byte order mark matched; -1 once past it
}

// bom is the UTF-8 byte order mark, U+FEFF.
const bom = "\uFEFF"

// Write counts the events that p completes. It never fails.
func (c *eventCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		if c.bom >= 0 {
			if b == bom[c.bom] {
				if c.bom++; c.bom == len(bom) {
					c.bom = -1
				}
				continue
			}
			// No BOM after all: what matched of it was the line's start.
			matched := c.bom
			c.bom = -1
			for i := range matched {
				c.byte(bom[i])
			}
		}
		c.byte(b)
	}
	return len(p), nil
}

// byte takes one byte of the stream.
func (c *eventCounter) byte(b byte) {
	switch b {
	case '\n':
		if c.afterCR {
			c.afterCR = false
			return
		}
		c.endLine()
	case '\r':
		c.endLine()
		c.afterCR = true
	default:
		c.afterCR = false
		if c.col < len(c.head) {
			c.head[c.col] = b
		}
		if c.col <= len(c.head) {
			c.col++
		}
	}
}

// endLine ends the current line.
func (c *eventCounter) endLine() {
	switch {
	case c.col == 0:
		if c.data {
			c.events++
		}
		c.data = false
	case c.col == 4 && string(c.head[:4]) == "data",
		c.col > 4 && string(c.head[:5]) == "data:":
		c.data = true
	}
	c.col = 0
}
