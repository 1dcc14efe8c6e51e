package hub

import (
	"fmt"
	"sync"
	"time"
)

// WindowLimits bound a Window. A zero field sets no bound of its kind,
// except Resumable, for which zero means that no entry can be resumed
// from.
type WindowLimits struct {
	// Entries is the most entries the window keeps.
	Entries int
	// Bytes is the most memory its entries may hold: their frames, ids
	// and targets, plus a fixed overhead each (an estimate). The newest
	// entry is kept whatever its size.
	Bytes int
	// Age is how long an entry is kept and may be resumed from.
	Age time.Duration
	// Resumable is how many of the newest entries that are not
	// Ephemeral a client may resume after (Resolve finds them); older
	// ones may still be in the window, for subscribers not yet sent them.
	Resumable int
}

// Window is the local, in-memory, ordered and bounded window of entries
// that every Log serves its reads from. It gives each entry added the next
// position, and drops the oldest entries when a limit is passed. A Window
// is safe for concurrent use: one writer adds while many read.
//
// A Log implementation owns one Window and adds to it what is appended,
// locally or from a shared store; it is exported for such
// implementations, and the in-memory Log is a Window with ids.
type Window struct {
	lim WindowLimits

	mu     sync.RWMutex
	slots  []slot // slots[head:] are the entries, oldest first
	head   int
	first  uint64            // position of slots[head]
	next   uint64            // position of the next entry added
	bytes  int               // sum of the entries' sizes
	ids    map[string]uint64 // id -> position of the newest entry with it
	stored uint64            // entries added that are not Ephemeral
}

// slot is an entry and what the window keeps about it.
type slot struct {
	Entry
	seq  uint64 // stored count when it was added (not Ephemeral)
	size int
}

// NewWindow returns an empty Window bounded by lim.
func NewWindow(lim WindowLimits) *Window {
	return &Window{lim: lim, first: 1, next: 1, ids: map[string]uint64{}}
}

// Add adds e, with the next position, which it returns, and drops the
// oldest entries that no longer fit.
func (w *Window) Add(e Entry) uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	e.Pos = w.next
	w.next++
	s := slot{Entry: e, size: e.size()}
	if !e.Ephemeral {
		w.stored++
		s.seq = w.stored
		if e.ID != "" {
			w.ids[e.ID] = e.Pos
		}
	}
	w.slots = append(w.slots, s)
	w.bytes += s.size
	w.trim(e.At)
	return e.Pos
}

// trim drops the oldest entries while a limit is passed, keeping the
// newest. w.mu is held.
func (w *Window) trim(now time.Time) {
	for len(w.slots)-w.head > 1 {
		n := len(w.slots) - w.head
		old := &w.slots[w.head]
		over := (w.lim.Entries > 0 && n > w.lim.Entries) ||
			(w.lim.Bytes > 0 && w.bytes > w.lim.Bytes) ||
			(w.lim.Age > 0 && now.Sub(old.At) > w.lim.Age)
		if !over {
			break
		}
		w.dropOldest()
	}
	if w.lim.Entries == 0 && w.lim.Bytes == 0 && w.lim.Age == 0 {
		return // nothing bounds the window: callers must
	}
	// Dropping from the front leaves room behind: compact once the dead
	// part is the larger, which is amortised constant time per entry.
	if w.head > 32 && w.head >= len(w.slots)/2 {
		n := copy(w.slots, w.slots[w.head:])
		clear(w.slots[n:])
		w.slots = w.slots[:n]
		w.head = 0
	}
}

// dropOldest drops the oldest entry. w.mu is held.
func (w *Window) dropOldest() {
	old := &w.slots[w.head]
	if old.ID != "" && w.ids[old.ID] == old.Pos {
		delete(w.ids, old.ID)
	}
	w.bytes -= old.size
	*old = slot{}
	w.head++
	w.first++
}

// Clear drops every entry; positions go on from where they were. A Log
// calls it when what it held is lost, then tells its Listener.
func (w *Window) Clear() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.head < len(w.slots) {
		w.dropOldest()
	}
	w.slots, w.head = w.slots[:0], 0
}

// Read appends to dst at most max entries after position after, in order;
// see Log.Read.
func (w *Window) Read(after uint64, dst []Entry, max int) ([]Entry, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if after+1 < w.first {
		return dst, fmt.Errorf("%w: reading after %d, the oldest is %d", ErrTrimmed, after, w.first)
	}
	for i := w.head + int(after+1-w.first); i < len(w.slots) && max > 0; i++ {
		dst = append(dst, w.slots[i].Entry)
		max--
	}
	return dst, nil
}

// Bounds returns the positions of the oldest and newest entries; for an
// empty window, first is last+1.
func (w *Window) Bounds() (first, last uint64) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.first, w.next - 1
}

// Size returns how many entries the window holds, and their size in bytes
// (as WindowLimits.Bytes counts it).
func (w *Window) Size() (entries, bytes int) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return len(w.slots) - w.head, w.bytes
}

// Resolve returns Found with the entry's position when id is that of an
// entry a client may resume after (one of the Resumable newest that are
// not Ephemeral, no older than Age), and otherwise Unknown with the newest
// position and the id of the newest entry that may be resumed after. It
// never returns Ahead: a Log that can tell uses Bounds or its own
// bookkeeping.
func (w *Window) Resolve(id string) Resolved {
	w.mu.RLock()
	defer w.mu.RUnlock()
	now := time.Now()
	if pos, ok := w.ids[id]; ok && id != "" && pos >= w.first {
		if w.resumable(&w.slots[w.head+int(pos-w.first)], now) {
			return Resolved{Res: Found, Pos: pos}
		}
	}
	r := Resolved{Res: Unknown, Pos: w.next - 1}
	for i := len(w.slots) - 1; i >= w.head; i-- {
		s := &w.slots[i]
		if s.Ephemeral || s.ID == "" {
			continue
		}
		// The newest entry with an id: if it cannot be resumed after, no
		// older one can.
		if w.resumable(s, now) {
			r.NewestID = s.ID
		}
		break
	}
	return r
}

// resumable reports whether a client may resume after s. w.mu is held.
func (w *Window) resumable(s *slot, now time.Time) bool {
	if s.Ephemeral || uint64(w.lim.Resumable) <= w.stored-s.seq {
		return false
	}
	return w.lim.Age <= 0 || now.Sub(s.At) <= w.lim.Age
}
