package sse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/fastsse/sse/internal/bytescan"
)

const (
	// DefaultMaxSize is the default limit on the length of one line and on
	// the size of one event's data, in bytes: 1 MiB. bufio.Scanner's 64 KiB
	// is the limit users of other Go SSE libraries most often trip over (a
	// large JSON document or a long LLM tool call fits in one data line); 1
	// MiB holds those with room to spare while still bounding what a hostile
	// or broken server can make a reader buffer. Change it with
	// [Scanner.Buffer].
	DefaultMaxSize = 1 << 20

	// initialBufSize is the size of the read buffer a Scanner starts with
	// when none is given. It grows, by doubling, only when a line does not
	// fit.
	initialBufSize = 16 << 10

	// minBufSize is the smallest read buffer, whatever the limit.
	minBufSize = 64

	// maxEmptyReads is how many successive (0, nil) reads are tolerated
	// before the reader is judged broken, as in bufio.
	maxEmptyReads = 100

	// validAhead is how far past the line it is asked about the UTF-8
	// check runs in one go (see validate): far enough to pay for the call
	// over many lines, near enough that the bytes are still in the
	// processor's cache when the lines are taken.
	validAhead = 16 << 10
)

// ErrTooLong is returned by [Scanner.Err] when a line, or the data of one
// event, is longer than the Scanner's maximum size (see [Scanner.Buffer]).
// The error returned wraps ErrTooLong and says which limit was hit; test for
// it with errors.Is.
var ErrTooLong = errors.New("sse: line or event too long")

// Scanner reads server-sent events from an [io.Reader], in the style of
// [bufio.Scanner]. Successive calls to [Scanner.Next] step through the events
// of the stream; the accessors then describe the current event.
//
// The stream is interpreted exactly as WHATWG HTML §9.2.6 says a browser's
// EventSource does: one leading byte order mark is skipped; lines end at CR
// LF, LF or CR; lines starting with a colon are comments; a "data" field
// appends to the event's data, "event" sets its type, "id" sets the last
// event ID (unless the value contains NUL) and "retry" sets the reconnection
// time (when it is all ASCII digits); other fields are ignored; a blank line
// dispatches the event, unless no data field was seen; and an unterminated
// event at the end of the stream is discarded. Invalid UTF-8 is replaced by
// U+FFFD as the WHATWG decoder does, so every string a Scanner returns is
// valid UTF-8.
//
// An event is returned by Next as soon as its blank line has been read, with
// no further Read call, even when the line ends in a CR whose possible LF has
// not arrived yet. Next does not allocate in steady state: the slices the
// accessors return are views into the Scanner's buffers, valid until the next
// call to Next.
//
// Lines and event data are limited in size (see [Scanner.Buffer]); a stream
// that exceeds the limit stops with an error wrapping [ErrTooLong].
//
// A Scanner is not safe for concurrent use.
type Scanner struct {
	r   io.Reader
	buf []byte // buf[start:end] holds bytes read but not yet consumed
	max int

	start, end int
	eol        finder // cached search for the next CR or LF in buf[start:end]

	// valid is how far the buffered bytes are known to be valid UTF-8:
	// every line yet to be taken that ends at or before valid lies in a
	// run of bytes that bytescan.ValidUTF8 accepted, a run that started
	// at a line start or where the run before it stopped. Lines start at
	// character boundaries (after an ASCII CR or LF, or a BOM), so such a
	// line is valid UTF-8 itself. Each buffered byte is checked once, but
	// for the bytes of a character cut off by the end of the buffered
	// bytes and, after an invalid byte, the rest of its line. valid moves
	// with the bytes when they slide to the front of buf.
	valid int

	eof       bool  // r reported io.EOF
	err       error // sticky error other than io.EOF
	readErr   error // an error from r, reported once the bytes before it are used
	bomDone   bool  // the start of the stream has been checked for a BOM
	skipLF    bool  // the last line ended in CR: an LF right after it belongs to it
	lineValid bool  // the line being processed is valid UTF-8

	// Predictions of whether the next line is long (see lineEnd).
	longData, longOther bool
	dataShort           bool // the fast path expects a short data line (see dataLineEnd)
	started             bool // Next has been called
	pending             bool // an event was returned; its buffers are reset by the next Next
	generalOnly         bool // tests: every line takes the general path
	onComment           func(comment []byte)

	// The event being assembled: a data buffer, event type buffer and last
	// event ID buffer, as in the spec.
	dataLines int    // number of data fields seen
	viewing   bool   // the data is dataView, a view into buf
	dataView  []byte // the data while viewing
	dataBuf   []byte // the data when owned: values joined by LF
	typeBuf   []byte
	idBuf     []byte // last event ID buffer, when idSet
	idSet     bool   // an id field was accepted since the last blank line

	// The stream's state that outlives events.
	lastID     []byte // the last event ID string
	lastIDStr  string // lastID as a string, when lastIDOK
	lastIDOK   bool
	retry      time.Duration
	retryValid bool

	// The current event.
	curType, curData []byte
	scratch          []byte // decoded comment, when invalid UTF-8
}

// finder remembers where the next line end (CR or LF) is, so that a line
// search resumes where it stopped instead of rescanning: each byte of the
// stream is searched at most once, however the stream is chunked. at is the
// index in buf of the next line end at or after the read position, or -1
// when there is none in buf[:scanned].
type finder struct {
	at, scanned int
}

// search returns the index of the first CR or LF in buf[from:end], or -1,
// using and updating what earlier searches found. Callers first check the
// cached f.at themselves, which keeps the common case free of a call.
func (f *finder) search(buf []byte, from, end int) int {
	lo := max(from, f.scanned)
	if lo >= end {
		return -1
	}
	if i := bytescan.IndexEOL(buf[lo:end]); i >= 0 {
		f.at, f.scanned = lo+i, lo+i+1
		return f.at
	}
	f.at, f.scanned = -1, end
	return -1
}

// shift adjusts the finder for bytes moved n places towards the start of buf.
func (f *finder) shift(n int) {
	if f.at >= 0 {
		f.at -= n
	}
	f.scanned = max(f.scanned-n, 0)
}

// NewScanner returns a Scanner that reads the event stream from r.
func NewScanner(r io.Reader) *Scanner {
	return &Scanner{r: r, max: DefaultMaxSize, eol: finder{at: -1}}
}

// Buffer sets the initial buffer to use when reading and the maximum size,
// in bytes, of a line, of one event's data, and of its event type and ID
// and of a comment's text once invalid UTF-8 in them is replaced. The buffer grows, by doubling, up
// to max+1 bytes (the room to see the end of a line of max bytes) or 64
// bytes, whichever is larger; when buf is nil or has no capacity a buffer
// is allocated. The default maximum is [DefaultMaxSize].
//
// Buffer panics if it is called after scanning has started, like
// bufio.Scanner.Buffer.
func (s *Scanner) Buffer(buf []byte, max int) {
	if s.started {
		panic("sse: Buffer called after Next")
	}
	s.buf = buf[:cap(buf)]
	s.max = max
}

// OnComment registers fn to be called with the text of each comment line (a
// line starting with a colon) as it is read, for instance to watch a
// server's heartbeats. The text excludes the colon and, like a field value,
// one following space; invalid UTF-8 in it is replaced by U+FFFD, and a
// text that then exceeds the maximum size (see [Scanner.Buffer]) is not
// handed over: the Scanner stops with an error wrapping [ErrTooLong]. The
// slice is valid only during the call. A Scanner with no comment function
// skips comments at no extra cost.
func (s *Scanner) OnComment(fn func(comment []byte)) {
	s.onComment = fn
}

// Reset makes s read a new stream from r, as a reconnecting EventSource does:
// the buffered bytes, any partly read event and the BOM check start afresh,
// while the last event ID, the reconnection time and the buffer, limit and
// comment function are kept. A sticky error is cleared.
func (s *Scanner) Reset(r io.Reader) {
	s.r = r
	s.start, s.end = 0, 0
	s.eol, s.valid = finder{at: -1}, 0
	s.eof, s.err, s.readErr, s.bomDone, s.skipLF = false, nil, nil, false, false
	s.resetEvent()
	s.curType, s.curData = nil, nil
}

// SetLastEventID sets the last event ID string, as if the stream had set it,
// for instance to resume a stream from an ID kept elsewhere. It must not
// contain NUL, CR or LF to be meaningful to a server.
func (s *Scanner) SetLastEventID(id string) {
	s.lastID = append(s.lastID[:0], id...)
	s.lastIDStr, s.lastIDOK = id, true
}

// Next advances to the next event, which is then available through the
// accessors. It returns false when the stream ends or an error occurs; then
// [Scanner.Err] tells which. An unterminated event at the end of the stream
// is discarded, as the spec requires.
func (s *Scanner) Next() bool {
	s.started = true
	if s.pending {
		s.resetEvent()
	}
	if s.err != nil {
		s.curType, s.curData = nil, nil
		return false
	}
	for {
		// The data, id and comment lines already in the buffer, and a
		// blank line after them, take the fast path (see dataRun); what
		// it leaves, the general one.
		if s.generalOnly || !s.fastReady() || !s.dataRun() {
			line, ok := s.readLine()
			if !ok {
				s.curType, s.curData = nil, nil
				return false
			}
			if len(line) > 0 {
				s.processLine(line)
				if s.err != nil {
					return false
				}
				continue
			}
		}
		// A blank line: dispatch the event.
		if s.idSet {
			s.lastID, s.idBuf = s.idBuf, s.lastID
			s.idSet, s.lastIDOK = false, false
		}
		if s.dataLines == 0 {
			s.typeBuf = s.typeBuf[:0]
			continue
		}
		s.curType = s.typeBuf
		if len(s.curType) == 0 {
			s.curType = defaultType
		}
		s.curData = s.dataBuf
		if s.viewing {
			s.curData = s.dataView
		}
		s.pending = true
		return true
	}
}

// resetEvent empties the event buffers for the next event.
func (s *Scanner) resetEvent() {
	s.pending = false
	s.dataLines = 0
	s.viewing, s.dataView = false, nil
	s.dataBuf = s.dataBuf[:0]
	s.typeBuf = s.typeBuf[:0]
	s.idSet = false
}

// processLine interprets one non-blank line.
func (s *Scanner) processLine(line []byte) {
	if line[0] == ':' {
		if s.onComment != nil {
			s.comment(line[1:])
		}
		return
	}
	name, value := splitField(line)
	switch string(name) {
	case FieldData:
		s.appendData(value)
	case FieldEvent:
		s.typeBuf = s.appendValue(s.typeBuf[:0], value)
		s.checkDecoded(s.typeBuf)
	case FieldID:
		if bytes.IndexByte(value, 0) < 0 {
			s.idBuf = s.appendValue(s.idBuf[:0], value)
			s.idSet = true
			s.checkDecoded(s.idBuf)
		}
	case FieldRetry:
		if d, ok := parseRetry(value); ok {
			s.retry, s.retryValid = d, true
		}
	}
}

// appendData adds a data field's value to the event. While the values are
// valid UTF-8 the data stays in the read buffer, with no copy: the first
// value is a view of its line, and each further one is moved down in the
// buffer to follow the data so far after an LF. That is always possible,
// because each value is shorter than the line it came from and the bytes it
// lands on have been read already. Invalid UTF-8, whose replacement may be
// longer, moves the data to dataBuf.
func (s *Scanner) appendData(value []byte) {
	s.dataLines++
	valid := s.lineValid
	switch {
	case s.dataLines == 1 && valid:
		s.viewing, s.dataView = true, value
		return
	case s.viewing && valid:
		// The view and value both lie in s.buf (fill copies the view out
		// before moving or replacing the buffer), so their offsets follow
		// from the capacities.
		from := cap(s.buf) - cap(s.dataView)
		to := from + len(s.dataView)
		s.buf[to] = '\n'
		n := copy(s.buf[to+1:], value)
		s.dataView = s.buf[from : to+1+n]
		if len(s.dataView) > s.max {
			s.err = fmt.Errorf("sse: event data exceeds %d bytes: %w", s.max, ErrTooLong)
		}
		return
	}
	s.ownData()
	if s.dataLines > 1 {
		s.dataBuf = append(s.dataBuf, '\n')
	}
	s.dataBuf = s.appendValue(s.dataBuf, value)
	if len(s.dataBuf) > s.max {
		s.err = fmt.Errorf("sse: event data exceeds %d bytes: %w", s.max, ErrTooLong)
	}
}

// checkDecoded stops the Scanner when a decoded event type or ID is longer
// than the limit: the line fitted, but invalid UTF-8 decodes to three bytes
// per bad byte.
func (s *Scanner) checkDecoded(v []byte) {
	if len(v) > s.max {
		s.err = fmt.Errorf("sse: field value exceeds %d bytes once decoded: %w", s.max, ErrTooLong)
	}
}

// appendValue appends a field value of the current line to dst, decoding
// invalid UTF-8 unless the line is known to be valid.
func (s *Scanner) appendValue(dst, value []byte) []byte {
	if s.lineValid {
		return append(dst, value...)
	}
	return appendUTF8(dst, value)
}

// ownData copies a data view into dataBuf, before the bytes it points to
// are moved or overwritten.
func (s *Scanner) ownData() {
	if s.viewing {
		s.dataBuf = append(s.dataBuf[:0], s.dataView...)
		s.viewing, s.dataView = false, nil
	}
}

// comment hands a comment's text to the comment function. Decoded, text
// holding invalid UTF-8 may outgrow the limit, as an event type or ID may:
// then the Scanner stops with ErrTooLong instead.
func (s *Scanner) comment(text []byte) {
	if len(text) > 0 && text[0] == ' ' {
		text = text[1:]
	}
	if !s.lineValid {
		s.scratch = appendUTF8(s.scratch[:0], text)
		if len(s.scratch) > s.max {
			s.err = fmt.Errorf("sse: comment exceeds %d bytes once decoded: %w", s.max, ErrTooLong)
			return
		}
		text = s.scratch
	}
	s.onComment(text)
}

// readLine returns the next complete line, without its terminator, as a view
// into buf. It returns false at the end of the stream (discarding an
// unterminated line) or on error.
func (s *Scanner) readLine() (line []byte, ok bool) {
	for {
		if s.skipLF && s.start < s.end {
			if s.buf[s.start] == '\n' {
				s.start++
			}
			s.skipLF = false
		}
		if s.bomDone || s.skipBOM() {
			if line, ok := s.nextLine(); ok {
				return line, true
			}
			if s.err != nil {
				return nil, false
			}
			if s.end-s.start > s.max {
				s.err = fmt.Errorf("sse: line exceeds %d bytes: %w", s.max, ErrTooLong)
				return nil, false
			}
		}
		if !s.fill() {
			if s.eof && !s.bomDone {
				continue // the stream ended within what could be a BOM: decide now
			}
			return nil, false
		}
	}
}

// nextLine returns the next line in buf, if buf holds its end.
func (s *Scanner) nextLine() (line []byte, ok bool) {
	if s.start < s.end {
		// Blank lines are a third of a stream of small events.
		if c := s.buf[s.start]; c == '\n' || c == '\r' {
			s.skipLF = c == '\r'
			s.start++
			return s.buf[s.start-1 : s.start-1], true
		}
	}
	i := s.lineEnd()
	if i < 0 {
		return nil, false
	}
	if i-s.start > s.max { // possible when Buffer was given more room than max
		s.err = fmt.Errorf("sse: line exceeds %d bytes: %w", s.max, ErrTooLong)
		return nil, false
	}
	s.skipLF = s.buf[i] == '\r'
	s.lineValid = s.validLine(s.start, i)
	line = s.buf[s.start:i]
	s.start = i + 1
	return line, true
}

// lineEnd returns the index in buf of the CR or LF that ends the line
// starting at s.start, or -1 when buf holds no line end yet.
//
// Short lines are searched with scanEOL; long ones with bytescan.IndexEOL
// through the finder, which resumes where an earlier search of the same
// line stopped, and is faster per byte but costs more per call. Which
// search to try first is predicted from the lines before, separately for
// data lines and other lines: real streams repeat their shapes.
func (s *Scanner) lineEnd() int {
	if s.start == s.end {
		return -1
	}
	long := &s.longOther
	if s.buf[s.start] == 'd' {
		long = &s.longData
	}
	if !*long {
		if i, _ := scanEOL(s.buf[s.start:min(s.start+shortLine, s.end)]); i >= 0 {
			return s.start + i
		}
		if s.end-s.start <= shortLine {
			return -1
		}
		*long = true
	}
	i := s.eol.at
	if i < s.start {
		i = s.eol.search(s.buf, s.start, s.end)
	}
	if i >= 0 {
		*long = i-s.start > shortLine
	}
	return i
}

// validLine reports whether the line buf[p:i] is valid UTF-8: p is the
// start of a line yet to be taken and i its end.
func (s *Scanner) validLine(p, i int) bool {
	return i <= s.valid || s.validate(p, i)
}

// validate moves the valid mark on past the line buf[p:i], if it can, and
// reports whether the line is valid UTF-8. It checks on from the mark, or
// from p when the mark has fallen behind p (after invalid UTF-8), up to
// validAhead bytes past the mark or to the line end, whichever is further,
// within the buffered bytes.
func (s *Scanner) validate(p, i int) bool {
	lo := max(s.valid, p)
	n, _ := bytescan.ValidUTF8(s.buf[lo:min(max(i, lo+validAhead), s.end)])
	s.valid = lo + n
	return s.valid >= i
}

// skipBOM strips a byte order mark at the start of the stream. It returns
// false when it cannot decide yet: the bytes so far are a proper prefix of a
// BOM and more may come.
func (s *Scanner) skipBOM() bool {
	const bom = "\xEF\xBB\xBF"
	b := s.buf[s.start:s.end]
	if len(b) < len(bom) && !s.eof && bytes.HasPrefix([]byte(bom), b) {
		return false
	}
	if bytes.HasPrefix(b, []byte(bom)) {
		s.start += len(bom)
	}
	s.bomDone = true
	return true
}

// fill reads more bytes into buf, making room first. It returns false at
// the end of the stream or on error.
func (s *Scanner) fill() bool {
	if s.readErr != nil {
		s.err, s.readErr = s.readErr, nil
		return false
	}
	if s.eof || s.err != nil {
		return false
	}
	// The buffer needs room for a line of max bytes and its end, and at
	// least minBufSize bytes, enough to decide on a BOM whatever the limit.
	limit := max(s.max+1, minBufSize)
	if s.buf == nil || cap(s.buf) == 0 {
		s.buf = make([]byte, min(initialBufSize, limit))
	}
	if s.start > 0 && (s.end == len(s.buf) || s.start == s.end) {
		// Slide the unread bytes to the front. A data view points into the
		// bytes about to be overwritten: copy it out first.
		s.ownData()
		n := copy(s.buf, s.buf[s.start:s.end])
		s.eol.shift(s.start)
		s.valid = max(s.valid-s.start, 0)
		s.start, s.end = 0, n
	}
	if s.end == len(s.buf) {
		// Full of one unfinished line: grow, up to what the limit needs.
		size := min(max(2*len(s.buf), minBufSize), limit)
		if size <= len(s.buf) {
			s.err = fmt.Errorf("sse: line exceeds %d bytes: %w", s.max, ErrTooLong)
			return false
		}
		s.ownData() // the view must stay in s.buf to grow in place
		buf := make([]byte, size)
		copy(buf, s.buf[:s.end])
		s.buf = buf
	}
	for range maxEmptyReads {
		n, err := s.r.Read(s.buf[s.end:])
		if n < 0 || n > len(s.buf)-s.end {
			s.err = errors.New("sse: reader returned invalid count")
			return false
		}
		s.end += n
		if err == io.EOF {
			s.eof = true
			return n > 0
		}
		if err != nil {
			// Keep the error until the bytes that came with it are used.
			if n > 0 {
				s.readErr = err
				return true
			}
			s.err = err
			return false
		}
		if n > 0 {
			return true
		}
	}
	s.err = io.ErrNoProgress
	return false
}

// Err returns the first error that stopped the Scanner, or nil if the stream
// simply ended (io.EOF is not reported).
func (s *Scanner) Err() error {
	return s.err
}

// Type returns the current event's type: the value of its last "event" field,
// or "message" when there was none or it was empty. The slice is valid until
// the next call to Next.
func (s *Scanner) Type() []byte {
	return s.curType
}

// ID returns the last event ID in effect when the current event was
// dispatched. An event without an "id" field carries the ID of the one
// before it, as in EventSource. The slice is valid until the next call to
// Next.
func (s *Scanner) ID() []byte {
	return s.lastID
}

// Data returns the current event's data: the values of its "data" fields
// joined by LF. The slice is valid until the next call to Next and must not
// be modified.
func (s *Scanner) Data() []byte {
	return s.curData
}

// Retry returns the last valid reconnection time the stream has set with a
// "retry" field, and whether one was set. A retry field takes effect when its
// line is read, even if no event follows.
func (s *Scanner) Retry() (time.Duration, bool) {
	return s.retry, s.retryValid
}

// LastEventID returns the stream's last event ID string: what a reconnecting
// client sends as Last-Event-ID. It changes only when an event block ends
// (at a blank line), so an id in an unterminated block at the end of the
// stream is not applied. The string is built once per change.
func (s *Scanner) LastEventID() string {
	if !s.lastIDOK {
		s.lastIDStr, s.lastIDOK = string(s.lastID), true
	}
	return s.lastIDStr
}

// Decode copies the current event into dst through its SetEvent method and
// returns the error SetEvent returns. See [EventSetter].
func (s *Scanner) Decode(dst EventSetter) error {
	if s.curType == nil {
		return errNoEvent
	}
	return dst.SetEvent(s.curType, s.lastID, s.curData)
}

// DecodeJSON unmarshals the current event's data, as JSON, into v, the
// common case of APIs whose events carry one JSON document each.
func (s *Scanner) DecodeJSON(v any) error {
	if s.curType == nil {
		return errNoEvent
	}
	if err := json.Unmarshal(s.curData, v); err != nil {
		return fmt.Errorf("sse: decoding %q event data as JSON: %w", s.curType, err)
	}
	return nil
}

// errNoEvent is returned by the decoders when there is no current event.
var errNoEvent = errors.New("sse: no current event (Next has not returned true)")
