package hub

import "time"

// message is a published event, encoded once for all its subscribers.
type message struct {
	id      string
	at      time.Time
	encoded []byte
	target  target
}

// replay is a bounded buffer of the last messages, oldest first.
type replay struct {
	max    int
	maxAge time.Duration
	msgs   []*message
}

// add appends m, evicting what no longer fits.
func (r *replay) add(m *message) {
	if r.max <= 0 {
		return
	}
	if len(r.msgs) == r.max {
		// Dropping from the front shrinks the capacity, so append copies
		// the buffer once per max events: amortised constant time.
		r.msgs[0] = nil
		r.msgs = r.msgs[1:]
	}
	r.msgs = append(r.msgs, m)
}

// since returns the messages after the one with id lastID, and whether it
// was found. Messages older than maxAge are evicted first.
func (r *replay) since(lastID string, now time.Time) ([]*message, bool) {
	if r.maxAge > 0 {
		i := 0
		for i < len(r.msgs) && now.Sub(r.msgs[i].at) > r.maxAge {
			i++
		}
		r.msgs = append(r.msgs[:0], r.msgs[i:]...)
	}
	for i := len(r.msgs) - 1; i >= 0; i-- {
		if r.msgs[i].id == lastID {
			return r.msgs[i+1:], true
		}
	}
	return nil, false
}

// newestID returns the id of the newest message buffered, or "".
func (r *replay) newestID() string {
	if len(r.msgs) == 0 {
		return ""
	}
	return r.msgs[len(r.msgs)-1].id
}
