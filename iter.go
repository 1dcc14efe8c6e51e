package sse

import (
	"io"
	"iter"
)

// View is one event as views into a [Scanner]'s buffers, as [Scanner.Views]
// yields it: the same slices [Scanner.Type], [Scanner.ID] and [Scanner.Data]
// return. The slices are valid only until the next iteration and must not be
// modified; copy what you keep (or use [Scanner.Events]).
type View struct {
	// Type is the event type; "message" when the event set none.
	Type []byte
	// ID is the last event ID in effect when the event was dispatched.
	ID []byte
	// Data is the event's data: its data fields' values joined by LF.
	Data []byte
}

// Events returns an iterator over the rest of the stream's events, each
// copied into an [Event] (see [Scanner.Decode]), for use with range:
//
//	for ev, err := range s.Events() {
//		if err != nil {
//			return err
//		}
//		fmt.Println(ev.Type, ev.Data)
//	}
//
// Every event is yielded with a nil error. If the stream stops with an
// error (the error [Scanner.Err] reports), one final pair (Event{}, err) is
// yielded; a stream that simply ends yields no error. Breaking out of the
// loop stops reading; ranging over Events again, or calling [Scanner.Next],
// continues with the following event.
//
// Successive events of the same type and ID share the Type and ID strings,
// so the data is usually the only allocation per event. For no allocation
// at all, use [Scanner.Views] or [Scanner.Next] with the accessors.
func (s *Scanner) Events() iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		var e Event
		for s.Next() {
			if err := s.Decode(&e); err != nil {
				yield(Event{}, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
		if err := s.Err(); err != nil {
			yield(Event{}, err)
		}
	}
}

// Views returns an iterator over the rest of the stream's events as
// zero-copy [View]s, for use with range:
//
//	for v, err := range s.Views() {
//		if err != nil {
//			return err
//		}
//		if string(v.Type) == "update" {
//			total += parse(v.Data)
//		}
//	}
//
// The slices of a View are valid only until the next iteration; nothing is
// allocated per event. Errors, breaking out and resuming work as for
// [Scanner.Events]: a stream that stops with an error ends with one
// (View{}, err) pair.
func (s *Scanner) Views() iter.Seq2[View, error] {
	return func(yield func(View, error) bool) {
		for s.Next() {
			if !yield(View{Type: s.Type(), ID: s.ID(), Data: s.Data()}, nil) {
				return
			}
		}
		if err := s.Err(); err != nil {
			yield(View{}, err)
		}
	}
}

// Read returns an iterator over the events read from r, with a new
// [Scanner] and its default limits. It is the shortest way to consume a
// stream:
//
//	resp, err := http.Get(url)
//	...
//	defer resp.Body.Close()
//	for ev, err := range sse.Read(resp.Body) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(ev.Data)
//	}
//
// Events and the final error are yielded as by [Scanner.Events]. Each range
// over the returned sequence starts a new Scanner on r, so ranging again
// after a break reads on from wherever r is, not from the next event;
// range over [Scanner.Events] to resume precisely, or to set a limit with
// [Scanner.Buffer]. Read does not close r.
func Read(r io.Reader) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		NewScanner(r).Events()(yield)
	}
}

// ViewsOfType returns an iterator over the events of seq whose type is one
// of types, skipping the others, and over seq's errors, which it passes
// through. It filters [Scanner.Views] or [Client.Views] for a range loop
// that wants some events only:
//
//	for v, err := range sse.ViewsOfType(s.Views(), "add", "remove") {
//		if err != nil {
//			return err
//		}
//		apply(v.Type, v.Data)
//	}
//
// An event whose block set no "event" field has the type "message"
// ([DefaultType]). Types are compared byte for byte; nothing is allocated
// per event. Breaking out and resuming work as for the underlying
// iterator. To handle each type with its own function, use a [Mux].
func ViewsOfType(seq iter.Seq2[View, error], types ...string) iter.Seq2[View, error] {
	return ofType(seq, types, func(v View) []byte { return v.Type })
}

// EventsOfType is [ViewsOfType] for [Event]s: it returns an iterator over
// the events of seq (from [Scanner.Events], [Client.Events] or [Read])
// whose type is one of types, and over seq's errors.
//
//	for ev, err := range sse.EventsOfType(sse.Read(resp.Body), "completion") {
//		...
//	}
func EventsOfType(seq iter.Seq2[Event, error], types ...string) iter.Seq2[Event, error] {
	return ofType(seq, types, func(e Event) string { return e.Type })
}

// ofType returns an iterator over the items of seq whose type, as typeOf
// gives it, is one of types, and over seq's errors. types is copied, so
// the caller may reuse its slice.
func ofType[T any, S string | []byte](seq iter.Seq2[T, error], types []string, typeOf func(T) S) iter.Seq2[T, error] {
	types = append([]string(nil), types...)
	return func(yield func(T, error) bool) {
		for x, err := range seq {
			if err == nil && !typeIn(typeOf(x), types) {
				continue
			}
			if !yield(x, err) {
				return
			}
		}
	}
}

// typeIn reports whether typ is one of types, without allocating: the
// conversion of a []byte in a comparison copies nothing.
func typeIn[S string | []byte](typ S, types []string) bool {
	for _, t := range types {
		if string(typ) == t {
			return true
		}
	}
	return false
}
