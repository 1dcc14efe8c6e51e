package hub

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// MemoryLog is the Log a Hub uses unless given another (WithLog): a
// Window in this process, with ids it gives itself. Its automatic ids are
// a prefix unique to the log (a random part and the time it was made, so
// that ids from before a restart are never mistaken for new ones)
// followed by a sequence number.
type MemoryLog struct {
	win    *Window
	prefix string

	mu       sync.Mutex // orders appends: ids in window order
	seq      uint64
	closed   bool
	listener Listener
}

// NewMemoryLog returns an empty in-memory Log bounded by lim.
func NewMemoryLog(lim WindowLimits) *MemoryLog {
	return &MemoryLog{
		win:    NewWindow(lim),
		prefix: strconv.FormatUint(rand.Uint64()>>32, 36) + strconv.FormatInt(time.Now().UnixNano(), 36) + "-",
	}
}

// Append adds e to the window at once; see Log.Append. It returns
// ErrClosed after Close.
func (l *MemoryLog) Append(ctx context.Context, e *Entry) (string, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return "", ErrClosed
	}
	if e.AutoID && e.ID == "" && !e.Ephemeral {
		l.seq++
		e.ID = l.prefix + strconv.FormatUint(l.seq, 10)
		e.Frame = withID(e.ID, e.Frame)
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.Pos = l.win.Add(*e)
	listener := l.listener
	l.mu.Unlock()
	if listener != nil {
		listener.Appended()
	}
	return e.ID, nil
}

// withID returns frame with an id line before its fields: the order of
// the fields of an event does not matter to its reader.
func withID(id string, frame []byte) []byte {
	b := make([]byte, 0, len("id: \n")+len(id)+len(frame))
	b = append(b, "id: "...)
	b = append(b, id...)
	b = append(b, '\n')
	return append(b, frame...)
}

// Read reads from the window; see Log.Read.
func (l *MemoryLog) Read(after uint64, dst []Entry, max int) ([]Entry, error) {
	return l.win.Read(after, dst, max)
}

// Bounds returns the window's bounds; see Log.Bounds.
func (l *MemoryLog) Bounds() (first, last uint64) { return l.win.Bounds() }

// Resolve finds id in the window: Found or Unknown, never Ahead (an id
// this log has not given yet is not one of its ids).
func (l *MemoryLog) Resolve(id string) Resolved { return l.win.Resolve(id) }

// Size returns the number of entries in the window and their size.
func (l *MemoryLog) Size() (entries, bytes int) { return l.win.Size() }

// Disconnect tells the Listener at once.
func (l *MemoryLog) Disconnect(ctx context.Context, ids []string) error {
	l.mu.Lock()
	listener := l.listener
	l.mu.Unlock()
	if listener != nil {
		listener.Disconnect(ids)
	}
	return nil
}

// Listen sets the Listener.
func (l *MemoryLog) Listen(li Listener) {
	l.mu.Lock()
	l.listener = li
	l.mu.Unlock()
}

// Close makes Append return ErrClosed; what was appended stays readable.
func (l *MemoryLog) Close() error {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	return nil
}
