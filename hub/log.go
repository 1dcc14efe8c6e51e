package hub

import (
	"context"
	"errors"
	"time"
)

// Log is the ordered record of what a Hub publishes, and the only place its
// writers read events from: the replay buffer is the log. A Hub appends to
// it once per Publish, whatever the number of subscribers, and each
// subscriber is a cursor into it: a position after which it has been sent
// nothing yet.
//
// Every implementation serves reads from a local, in-memory window of
// entries (see [Window]): Read, Bounds and Resolve never wait for a network
// round trip. The default is [NewMemoryLog]; an engine that shares one log
// between instances (Redis Streams) fills its window from the store and
// wakes the Hub through the [Listener] it is given.
//
// A Log is safe for concurrent use.
type Log interface {
	// Append stores e and returns the id subscribers see for it ("" for
	// an entry without one). When e.AutoID is set and e.ID is "", the log
	// gives the entry an id and prefixes e.Frame with its id line. An
	// Ephemeral entry gets no id and is delivered at most once, to the
	// subscribers connected then, on every instance. Append returns once
	// the entry is stored (for a shared log: once the store has it); the
	// entry becomes readable, and the Listener is told, when it is in the
	// local window, which may be after Append returns.
	Append(ctx context.Context, e *Entry) (id string, err error)

	// Read appends to dst, in order, at most max of the entries with a
	// position after after, and returns the extended slice. When entries
	// after after have left the window, it returns dst and an error
	// wrapping ErrTrimmed: the reader has lost them.
	Read(after uint64, dst []Entry, max int) ([]Entry, error)

	// Bounds returns the positions of the oldest and newest entries in
	// the window; when it is empty, first is last+1.
	Bounds() (first, last uint64)

	// Resolve finds where a client that reconnects with Last-Event-ID id
	// resumes.
	Resolve(id string) Resolved

	// Disconnect asks every instance serving this log to end the streams
	// of the subscribers with one of ids: each Listener's Disconnect is
	// called, this instance's included. Delivery to other instances is at
	// most once.
	Disconnect(ctx context.Context, ids []string) error

	// Listen sets the Listener told of what happens to the log. A Hub
	// calls it once, before any other method.
	Listen(l Listener)

	// Close releases what the log holds. A Hub closes the log it made,
	// never one given to it with WithLog.
	Close() error
}

// Listener is told by a Log what its Hub must act on. Its methods are
// called without any lock of the log held, and return at once.
type Listener interface {
	// Appended says that entries were added to the window.
	Appended()

	// Lost says that entries were lost that subscribers may not have
	// been sent (the store was emptied, or restarted in a new epoch):
	// every subscriber connected now is sent one reset event and goes on
	// after position at.
	Lost(at uint64)

	// Disconnect says that the subscribers with one of ids must be
	// disconnected (Hub.Disconnect, on any instance).
	Disconnect(ids []string)
}

// Entry is one event in a Log.
type Entry struct {
	// Pos is the entry's position in the window, given when it is added:
	// 1 for the first, then one more for each entry, Ephemeral ones
	// included. Positions are local to an instance; IDs are what clients
	// see.
	Pos uint64

	// ID is the id subscribers see, "" for none.
	ID string

	// AutoID asks Append to give the entry an id when ID is "".
	AutoID bool

	// Frame is the encoded event, written as is to every subscriber it
	// is for; it ends with the blank line that dispatches it, and holds
	// the id line when ID is not "".
	Frame []byte

	// Addressed says that To applies: the entry is only for subscribers
	// whose ID is one of To, and with no To, for nobody.
	Addressed bool
	To        []string
	// Except lists the subscriber IDs the entry is not for.
	Except []string
	// Topics, when there are any or when Topical is set, limits the entry
	// to the subscribers of one of them (and those of AllTopics): with
	// Topical and no Topics, it is for nobody.
	Topical bool
	Topics  []string

	// Ephemeral entries have no id and are never replayed.
	Ephemeral bool

	// At is when the entry was published.
	At time.Time
}

// size estimates the memory an entry holds, for the byte bound of a
// window.
func (e *Entry) size() int {
	n := entryOverhead + len(e.ID) + len(e.Frame)
	for _, l := range [][]string{e.To, e.Except, e.Topics} {
		for _, s := range l {
			n += 16 + len(s)
		}
	}
	return n
}

// entryOverhead is what an Entry takes besides its strings and frame.
const entryOverhead = 160

// Resolution says what a Last-Event-ID is to a Log.
type Resolution int

const (
	// Found: the id is in the window; the client resumes after Pos.
	Found Resolution = iota
	// Unknown: the id is not in the window (too old, from another epoch
	// or another server, or not an id this log gave); the client is sent
	// one reset event and goes on after Pos, the newest position.
	Unknown
	// Ahead: the id is newer than what this instance has applied yet;
	// the Hub waits (a bounded time) for the window to catch up and
	// resolves it again.
	Ahead
)

// Resolved is the answer of Log.Resolve.
type Resolved struct {
	// Res says whether the id was found, is unknown or is ahead.
	Res Resolution
	// Pos is the position after which the client goes on.
	Pos uint64
	// NewestID is, for Unknown, the id of the newest resumable entry in
	// the window ("" if none): the reset event carries it, so that a
	// client reconnecting later resumes from there.
	NewestID string
}

// ErrTrimmed is returned by Log.Read when entries a reader had not been
// sent have left the window.
var ErrTrimmed = errors.New("hub: log entries trimmed")
