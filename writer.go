package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrInvalidField is returned by the [Writer] methods when a value cannot be
// written without changing what a reader sees: a line break or NUL in an
// event type, id or field, an invalid field name, invalid UTF-8, a negative
// retry time or a retry field that is not a number. The error returned wraps
// ErrInvalidField and says which field and which byte; test for it with
// errors.Is. Nothing is written when a method returns it.
var ErrInvalidField = errors.New("sse: invalid field")

// ErrNoFlush is wrapped by the error returned when the destination of a
// Writer is an [http.ResponseWriter] that cannot be flushed, so events would
// sit in a buffer instead of reaching the client. The error also wraps
// [http.ErrNotSupported].
var ErrNoFlush = errors.New("sse: response writer cannot be flushed")

// maxKeep is the largest encoding buffer a Writer keeps between events. A
// larger event is written from a buffer that is then dropped, so one huge
// event does not pin its size in memory for the life of a stream.
const maxKeep = 64 << 10

// Writer writes server-sent events to an [io.Writer], usually an
// [http.ResponseWriter] (see [NewStream]). Each method encodes into a buffer
// the Writer reuses and hands the result to the destination in one Write
// call, so an event is never split between writes and, in steady state,
// writing allocates nothing.
//
// Fields are written as "name: value": the colon is always followed by a
// space, which a reader drops, so values that begin with a space come back
// whole. An empty value is written as "name:" alone. Every line ends in LF.
//
// Only what a reader reads back as written (line breaks in data aside) is
// written; anything else is refused with an error wrapping
// [ErrInvalidField], and nothing is written:
//
//   - Data may hold any valid UTF-8, NUL included. Each line break in it (CR
//     LF, LF or CR: the three a reader recognises) starts a new "data" line,
//     so a reader gets the data back with its line breaks as LF. Empty data
//     is one empty "data" line; data ending in a line break ends with an
//     empty "data" line.
//   - Comments are split into lines the same way, each written as ": line".
//   - Event types, ids and the values of other fields must be valid UTF-8
//     without CR, LF or NUL: a line break would start another field, and a
//     reader ignores an id holding NUL.
//   - A field name must be non-empty valid UTF-8 without colon, CR, LF or
//     NUL, and must not begin with a byte order mark (which a reader strips
//     at the start of a stream).
//   - A retry time is written in whole milliseconds and must not be negative.
//
// Invalid UTF-8 is refused, not written: readers decode it to U+FFFD, so it
// would not come back as written.
//
// After each method has written, the Writer flushes the destination, if it
// can: see [NewWriter] and [Writer.SetAutoFlush]. An error from the
// destination's Write (io.ErrShortWrite for a short write) is returned as
// is, and one from its flush wrapped; the output may then have been written
// in part or in full, and the stream is best abandoned: over HTTP such
// errors mean the client has gone.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	w         io.Writer
	flush     func() error // nil when the destination cannot be flushed
	manual    bool         // auto-flush is off
	buf       []byte
	flushHTTP bool // flush is an http.ResponseController's
}

// NewWriter returns a Writer that writes events to w. It looks once at what
// w can do to decide how to flush after each write:
//
//   - an [http.ResponseWriter] is flushed through [http.ResponseController],
//     which also reaches the writers that middleware wraps when they have an
//     Unwrap method; if the response cannot be flushed, each write returns an
//     error wrapping [ErrNoFlush] (use [NewStream] to find out before the
//     first event);
//   - otherwise a destination with a Flush() error method, such as a
//     [bufio.Writer], has it called;
//   - otherwise an [http.Flusher] has its Flush method called;
//   - any other destination is only written to.
//
// NewWriter writes nothing itself; in particular it sets no HTTP header.
func NewWriter(w io.Writer) *Writer {
	ew := &Writer{w: w}
	switch d := w.(type) {
	case http.ResponseWriter:
		ew.flush = http.NewResponseController(d).Flush
		ew.flushHTTP = true
	case interface{ Flush() error }:
		ew.flush = d.Flush
	case http.Flusher:
		ew.flush = func() error { d.Flush(); return nil }
	}
	return ew
}

// SetAutoFlush sets whether the Writer flushes the destination after each
// write, which it does by default. With auto-flush off, events accumulate in
// whatever buffering the destination has until [Writer.Flush] is called: a
// way to send a batch of events in one network write.
func (w *Writer) SetAutoFlush(on bool) {
	w.manual = !on
}

// Flush flushes the destination, when it can be flushed (see [NewWriter]);
// for other destinations it does nothing and returns nil.
func (w *Writer) Flush() error {
	if w.flush == nil {
		return nil
	}
	err := w.flush()
	if err == nil {
		return nil
	}
	if w.flushHTTP && errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("%w: %w", ErrNoFlush, err)
	}
	return fmt.Errorf("sse: flush: %w", err)
}

// Send writes the event e: its "event" field when e.Type is not empty, its
// "id" field when e.ID is not empty, a "retry" field when e.Retry is
// positive, its data as one or more "data" fields, and the blank line that
// dispatches it, all in one write. An event is always dispatched, even when
// e.Data is empty. Retry is written in milliseconds, rounded down; a negative
// Retry is an error.
//
// An empty ID leaves the last event ID unchanged; to clear it, write an empty
// id field with [Writer.Field] before Send.
func (w *Writer) Send(e Event) error {
	if e.Retry < 0 {
		return fmt.Errorf("%w: retry time %v is negative", ErrInvalidField, e.Retry)
	}
	return writeEvent(w, e.Type, e.ID, e.Data, e.Retry)
}

// SendBytes writes an event of type typ with id and data, like [Writer.Send]
// with an Event holding them, for servers that have the values as byte
// slices (the output of json.Marshal, or a [Scanner]'s views when relaying a
// stream): no string conversion or copy is needed. An empty typ or id is left
// out, as in Send.
func (w *Writer) SendBytes(typ, id, data []byte) error {
	return writeEvent(w, typ, id, data, 0)
}

// writeEvent validates and writes one whole event.
func writeEvent[T string | []byte](w *Writer, typ, id, data T, retry time.Duration) error {
	if err := checkValue(FieldEvent, typ); err != nil {
		return err
	}
	if err := checkValue(FieldID, id); err != nil {
		return err
	}
	if err := checkUTF8(FieldData, data); err != nil {
		return err
	}
	b := w.buf[:0]
	if len(typ) > 0 {
		b = appendField(b, FieldEvent, typ)
	}
	if len(id) > 0 {
		b = appendField(b, FieldID, id)
	}
	if retry > 0 {
		b = appendRetry(b, retry)
	}
	b = appendLines(b, FieldData, data)
	b = append(b, '\n')
	return w.write(b)
}

// Comment writes text as a comment, which readers skip: a heartbeat that
// keeps an idle connection open, or a note for whoever debugs the stream.
// Each line of text (split at CR LF, LF and CR) becomes one ": line" line;
// empty text is written as a lone colon. text must be valid UTF-8.
func (w *Writer) Comment(text string) error {
	if err := checkUTF8("comment", text); err != nil {
		return err
	}
	return w.write(appendLines(w.buf[:0], "", text))
}

// Field writes one field line, for building an event piece by piece or
// writing fields the Writer has no method for; the event is dispatched by
// [Writer.Dispatch] or by a following [Writer.Send], whose fields join the
// same event. The known names are checked as a reader reads them:
//
//   - "data": value is split into one "data" line per line, as in Send;
//   - "retry": value must be one or more ASCII digits (milliseconds), at
//     most 9223372036854 (the largest time.Duration in milliseconds: a reader
//     ignores a larger value, so the Writer refuses it);
//   - "event", "id" and other names: value must hold no CR, LF or NUL. An
//     empty "id" value clears the last event ID.
//
// All values must be valid UTF-8. A reader ignores fields whose names it
// does not know.
func (w *Writer) Field(name, value string) error {
	if err := checkName(name); err != nil {
		return err
	}
	b := w.buf[:0]
	switch name {
	case FieldData:
		if err := checkUTF8(FieldData, value); err != nil {
			return err
		}
		b = appendLines(b, FieldData, value)
	case FieldRetry:
		if value == "" || strings.IndexFunc(value, notDigit) >= 0 {
			return fmt.Errorf("%w: retry value %q is not a number of milliseconds", ErrInvalidField, value)
		}
		if _, ok := parseRetry([]byte(value)); !ok {
			return fmt.Errorf("%w: retry value %q is too large: a reader ignores more than %d milliseconds", ErrInvalidField, value, maxRetryMillis)
		}
		b = appendField(b, FieldRetry, value)
	default:
		if err := checkValue(name, value); err != nil {
			return err
		}
		b = appendField(b, name, value)
	}
	return w.write(b)
}

// Dispatch writes the blank line that ends an event built with
// [Writer.Field], so readers dispatch it. A reader dispatches nothing if no
// data field was written since the previous blank line.
func (w *Writer) Dispatch() error {
	return w.write(append(w.buf[:0], '\n'))
}

// Retry writes a "retry" field on its own, telling readers to wait d before
// reconnecting after the stream ends; it takes effect when read, event or
// not. d is written in milliseconds, rounded down; a negative d is an error.
func (w *Writer) Retry(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("%w: retry time %v is negative", ErrInvalidField, d)
	}
	return w.write(appendRetry(w.buf[:0], d))
}

// write hands b to the destination in one call and flushes when auto-flush
// is on. b is w's encoding buffer, kept for the next event unless too big.
func (w *Writer) write(b []byte) error {
	if cap(b) <= maxKeep {
		w.buf = b[:0]
	} else {
		w.buf = nil
	}
	n, err := w.w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return err
	}
	if w.manual {
		return nil
	}
	return w.Flush()
}

// appendField appends the line "name: value", or "name:" for an empty value.
func appendField[T string | []byte](b []byte, name string, value T) []byte {
	b = append(b, name...)
	b = append(b, ':')
	if len(value) > 0 {
		b = append(b, ' ')
		b = append(b, value...)
	}
	return append(b, '\n')
}

// appendRetry appends a retry field for d, in whole milliseconds.
func appendRetry(b []byte, d time.Duration) []byte {
	b = append(b, FieldRetry+": "...)
	b = strconv.AppendInt(b, d.Milliseconds(), 10)
	return append(b, '\n')
}

// appendLines appends one field line named name for each line of s, split
// at CR LF, LF and CR. The positions of the next CR and LF are remembered
// between lines, so each byte is searched at most once for each.
func appendLines[T string | []byte](b []byte, name string, s T) []byte {
	cr, lf := indexByte(s, '\r'), indexByte(s, '\n')
	for {
		i := lf
		if cr >= 0 && (i < 0 || cr < i) {
			i = cr
		}
		if i < 0 {
			return appendField(b, name, s)
		}
		b = appendField(b, name, s[:i])
		n := i + 1
		if s[i] == '\r' && n < len(s) && s[n] == '\n' {
			n++
		}
		s = s[n:]
		if cr >= 0 {
			if cr -= n; cr < 0 {
				cr = indexByte(s, '\r')
			}
		}
		if lf >= 0 {
			if lf -= n; lf < 0 {
				lf = indexByte(s, '\n')
			}
		}
	}
}

// indexByte is strings.IndexByte or bytes.IndexByte, as s requires.
func indexByte[T string | []byte](s T, c byte) int {
	switch s := any(s).(type) {
	case string:
		return strings.IndexByte(s, c)
	case []byte:
		return bytes.IndexByte(s, c)
	}
	return -1 // unreachable
}

// validUTF8 is utf8.ValidString or utf8.Valid, as s requires.
func validUTF8[T string | []byte](s T) bool {
	switch s := any(s).(type) {
	case string:
		return utf8.ValidString(s)
	case []byte:
		return utf8.Valid(s)
	}
	return false // unreachable
}

// checkUTF8 reports an error wrapping ErrInvalidField when the value of the
// named field is not valid UTF-8.
func checkUTF8[T string | []byte](what string, s T) error {
	if validUTF8(s) {
		return nil
	}
	return fmt.Errorf("%w: %s holds invalid UTF-8 at byte %d", ErrInvalidField, what, invalidAt(string(s)))
}

// checkValue reports an error wrapping ErrInvalidField when a one-line
// field value holds CR, LF, NUL or invalid UTF-8.
func checkValue[T string | []byte](what string, s T) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\r' || c == '\n' || c == 0 {
			return fmt.Errorf("%w: %s holds %s at byte %d", ErrInvalidField, what, byteName(c), i)
		}
	}
	return checkUTF8(what, s)
}

// checkName reports an error wrapping ErrInvalidField when name cannot be
// read back as the name of a field.
func checkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty field name", ErrInvalidField)
	case strings.HasPrefix(name, "\uFEFF"):
		return fmt.Errorf("%w: field name %q begins with a byte order mark", ErrInvalidField, name)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c == ':' || c == '\r' || c == '\n' || c == 0 {
			return fmt.Errorf("%w: field name %q holds %s at byte %d", ErrInvalidField, name, byteName(c), i)
		}
	}
	return checkUTF8("field name", name)
}

// byteName names a byte that cannot appear in a one-line field.
func byteName(c byte) string {
	switch c {
	case '\r':
		return "CR"
	case '\n':
		return "LF"
	case 0:
		return "NUL"
	}
	return "a colon"

}

// invalidAt returns the index of the first byte of s that does not start a
// valid UTF-8 sequence.
func invalidAt(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return i
			}
		}
	}
	return len(s)
}

// notDigit reports whether r is not an ASCII digit.
func notDigit(r rune) bool {
	return r < '0' || r > '9'
}
