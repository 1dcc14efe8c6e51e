package main

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/fastsse/sse"
)

// jsonEvent is the --json form of an event. The field order is the output's
// key order, which scripts rely on.
type jsonEvent struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Data string `json:"data"`
}

// A printer writes events in the human or the JSON format through a buffer.
// The first write error is kept in err; later prints do nothing.
type printer struct {
	w   *bufio.Writer
	enc *json.Encoder // nil for the human format
	err error
}

// newPrinter returns a printer writing to w, in JSON when asJSON is set.
func newPrinter(w io.Writer, asJSON bool) *printer {
	p := &printer{w: bufio.NewWriterSize(w, 32<<10)}
	if asJSON {
		p.enc = json.NewEncoder(p.w)
		p.enc.SetEscapeHTML(false)
	}
	return p
}

// print writes one event.
func (p *printer) print(ev sse.Event) {
	if p.err != nil {
		return
	}
	if p.enc != nil {
		// Encode writes the object and a newline.
		p.err = p.enc.Encode(jsonEvent{Type: ev.Type, ID: ev.ID, Data: ev.Data})
		return
	}
	p.w.WriteString("event: ")
	p.w.WriteString(ev.Type)
	if ev.ID != "" {
		p.w.WriteString("  id: ")
		p.w.WriteString(ev.ID)
	}
	p.w.WriteByte('\n')
	p.w.WriteString(ev.Data)
	_, p.err = p.w.WriteString("\n\n") // a bufio.Writer's errors are sticky
}

// flush writes out the buffered output and returns the first write error.
func (p *printer) flush() error {
	if p.err == nil {
		p.err = p.w.Flush()
	}
	return p.err
}
