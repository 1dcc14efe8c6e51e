package peers

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/fastsse/sse"
	"github.com/fastsse/sse/internal/corpus"
	"github.com/launchdarkly/eventsource"
	gosse "github.com/tmaxmax/go-sse"
)

// EventWriter is one library's way of writing events to a stream.
type EventWriter struct {
	// Name is how the writer appears in benchmark names and tables.
	Name string
	// API names the entry point used.
	API string
	// New starts a stream on w and returns the function that writes one
	// event to it, as the library's users write each event.
	New func(w io.Writer) func(e Event) error
}

// EventWriters lists the writers compared, fastsse first.
var EventWriters = []EventWriter{
	{
		Name: "fastsse",
		API:  "sse.NewWriter, Writer.Send(sse.Event)",
		New: func(w io.Writer) func(Event) error {
			sw := sse.NewWriter(w)
			return func(e Event) error {
				return sw.Send(sse.Event{Type: e.Type, ID: e.ID, Data: e.Data})
			}
		},
	},
	{
		// go-sse writes a Message, built for each event: ID and Type are
		// set only when not empty (an empty ID field would reset the last
		// event ID), and AppendData splits the data into data lines.
		Name: "go-sse",
		API:  "sse.Message{ID, Type}, Message.AppendData, Message.WriteTo",
		New: func(w io.Writer) func(Event) error {
			return func(e Event) error {
				m := &gosse.Message{}
				if e.ID != "" {
					m.ID = gosse.ID(e.ID)
				}
				if e.Type != "" {
					m.Type = gosse.Type(e.Type)
				}
				m.AppendData(e.Data)
				_, err := m.WriteTo(w)
				return err
			}
		},
	},
	{
		// LaunchDarkly's Encoder writes any value of its Event interface.
		Name: "launchdarkly",
		API:  "eventsource.NewEncoder(w, false), Encoder.Encode(eventsource.Event)",
		New: func(w io.Writer) func(Event) error {
			enc := eventsource.NewEncoder(w, false)
			return func(e Event) error {
				return enc.Encode(ldEvent{e})
			}
		},
	},
}

// ldEvent implements LaunchDarkly's eventsource.Event.
type ldEvent struct{ e Event }

func (e ldEvent) Id() string    { return e.e.ID } // spelt as the interface spells it
func (e ldEvent) Event() string { return e.e.Type }
func (e ldEvent) Data() string  { return e.e.Data }

// WriteCase is an event the writers are timed on.
type WriteCase struct {
	Name  string
	Event Event
}

// WriteCases are the events of the writer comparison, the shapes of the
// root module's BenchmarkWriter: a small event with type and id, a 4 KiB
// JSON document, and ten lines of data.
var WriteCases = func() []WriteCase {
	var large strings.Builder
	large.WriteString(`{"items":[`)
	for i := 0; large.Len() < 4<<10-64; i++ {
		if i > 0 {
			large.WriteByte(',')
		}
		fmt.Fprintf(&large, `{"id":%d,"name":"item %d","ok":true}`, i, i)
	}
	large.WriteString(`]}`)
	lines := make([]string, 10)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"line":%d,"text":"some words of text"}`, i)
	}
	return []WriteCase{
		{"small", Event{Type: "update", ID: "1234", Data: `{"n":1}`}},
		{"large", Event{Type: "snapshot", ID: "1234", Data: large.String()}},
		{"multiline", Event{Data: strings.Join(lines, "\n")}},
	}
}()

// RoundTripCases are events whose data holds line breaks other than LF,
// which a writer must split into data lines for a reader to get the data
// back (as LF): they are checked, not timed.
var RoundTripCases = []WriteCase{
	{"data-crlf", Event{Type: "message", Data: "a\r\nb"}},
	{"data-cr", Event{Type: "message", Data: "a\rb"}},
	{"data-trailing-lf", Event{Type: "message", Data: "a\n"}},
	{"data-empty", Event{Type: "message", Data: ""}},
}

// VerifyWriter writes the case's event with w and reads the output back
// with fastsse's Scanner (itself held to the conformance vectors): it must
// be that one event, with each line break in its data read back as LF. It
// returns the output.
func VerifyWriter(w EventWriter, wc WriteCase) (Verdict, []byte) {
	v := Verdict{Corpus: wc.Name, Parser: w.Name, Kind: "writer"}
	var out bytes.Buffer
	if err := w.New(&out)(wc.Event); err != nil {
		v.Failed, v.Reason = true, err.Error()
		return v, nil
	}
	want := wc.Event
	if want.Type == "" {
		want.Type = sse.DefaultType
	}
	// A reader returns every line break in the data as LF.
	want.Data = strings.ReplaceAll(strings.ReplaceAll(want.Data, "\r\n", "\n"), "\r", "\n")
	rec := &Recorder{Keep: true}
	if err := fastsse.Read(bytes.NewReader(out.Bytes()), rec); err != nil {
		v.Reason = fmt.Sprintf("reading the output back: %v", err)
		return v, out.Bytes()
	}
	v.Got, v.Want = corpus.Truth{Events: len(rec.Events), Bytes: out.Len()}, corpus.Truth{Events: 1, Bytes: out.Len()}
	if len(rec.Events) != 1 || rec.Events[0] != want {
		v.Reason = Diff(rec.Events, []Event{want})
		return v, out.Bytes()
	}
	v.OK = true
	return v, out.Bytes()
}
