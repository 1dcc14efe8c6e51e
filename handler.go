package sse

import (
	"sync"
	"sync/atomic"
)

// EventReader is a stream of events read one at a time, as a [*Scanner]
// and a [*Client] read them: Next advances to the next event and reports
// whether there is one, the accessors describe it (their slices are valid
// until the next call to Next), and Err tells why the stream ended. A [Mux]
// serves an EventReader.
type EventReader interface {
	Next() bool
	Type() []byte
	ID() []byte
	Data() []byte
	Err() error
}

// Compile-time checks that both readers of the package satisfy EventReader.
var (
	_ EventReader = (*Scanner)(nil)
	_ EventReader = (*Client)(nil)
)

// A Mux dispatches events to handlers by type, as EventSource's
// addEventListener does in a browser: a handler registered with
// [Mux.Handle] for a type receives the events of that type, and the one
// registered with [Mux.HandleOther] receives the events of every type that
// has no handler. An event whose block set no "event" field has the type
// "message" ([DefaultType]), so Handle("message", fn) is EventSource's
// onmessage.
//
// Handlers receive the event as a [View], whose slices are valid only
// during the call: copy what you keep (string(v.Data), say). Dispatching
// allocates nothing, so a Mux adds no garbage to the zero-allocation path of
// a [Scanner] or a [Client].
//
// The zero Mux has no handlers and is ready to use. Handlers may be
// registered and replaced from any goroutine, even while the Mux
// dispatches: an event is dispatched with the handlers registered when its
// dispatch began. A Mux must not be copied after first use.
type Mux struct {
	mu    sync.Mutex // serializes changes to table
	table atomic.Pointer[muxTable]
}

// muxTable is one immutable set of handlers: a change makes a new table,
// so a dispatch reads a consistent set without locking.
type muxTable struct {
	byType map[string]func(View)
	other  func(View)
}

// Handle registers fn for the events of type typ, replacing the handler
// registered for typ before, if any. A nil fn removes typ's handler, so
// that its events go to the [Mux.HandleOther] handler again. Types are
// compared byte for byte.
func (m *Mux) Handle(typ string, fn func(View)) {
	m.update(func(t *muxTable) {
		if fn == nil {
			delete(t.byType, typ)
			return
		}
		t.byType[typ] = fn
	})
}

// HandleOther registers fn for the events whose type has no handler of its
// own, replacing the one registered before, if any; a nil fn removes it,
// and such events are then dropped.
func (m *Mux) HandleOther(fn func(View)) {
	m.update(func(t *muxTable) { t.other = fn })
}

// update makes a changed copy of the table and publishes it.
func (m *Mux) update(change func(*muxTable)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	next := &muxTable{byType: make(map[string]func(View))}
	if cur := m.table.Load(); cur != nil {
		for typ, fn := range cur.byType {
			next.byType[typ] = fn
		}
		next.other = cur.other
	}
	change(next)
	m.table.Store(next)
}

// Dispatch calls the handler for v's type, or the [Mux.HandleOther]
// handler when its type has none, and reports whether a handler was
// called. Use it in a loop of your own, over [Scanner.Views] or
// [Client.Views] say, to stop at an event or to handle errors on the way;
// [Mux.Serve] is the loop for the common case.
func (m *Mux) Dispatch(v View) bool {
	t := m.table.Load()
	if t == nil {
		return false
	}
	fn := t.byType[string(v.Type)] // converting in the index expression does not allocate
	if fn == nil {
		fn = t.other
		if fn == nil {
			return false
		}
	}
	fn(v)
	return true
}

// Serve reads every event of r and dispatches it (see [Mux.Dispatch]),
// until r's stream ends, and returns r.Err(): nil when the stream ended
// normally. r is typically a [*Scanner] or a [*Client]; a Client is served
// across reconnections until it is closed (a handler may call
// [Client.Close]) or its stream ends. Handlers run in the goroutine that
// calls Serve, one event at a time, in stream order.
func (m *Mux) Serve(r EventReader) error {
	for r.Next() {
		m.Dispatch(View{Type: r.Type(), ID: r.ID(), Data: r.Data()})
	}
	return r.Err()
}
