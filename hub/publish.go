package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/fastsse/sse"
)

// A Target narrows the subscribers an event is published to, or, for
// Ephemeral, says how it is published. Several targets must all match.
type Target func(*target)

type target struct {
	to, except, topics []string
	ephemeral          bool
}

// Ephemeral publishes an event that is not worth resuming (presence,
// typing indicators, progress): it gets no automatic id and is not kept in
// the replay buffer, so it neither takes the room of events that matter
// nor reaches clients that reconnect later. An Ephemeral event must not
// have an id: a client would resume from it, and find it missing.
func Ephemeral() Target {
	return func(t *target) { t.ephemeral = true }
}

// To publishes to the subscribers with one of ids (every stream of each).
func To(ids ...string) Target {
	return func(t *target) { t.to = append(t.to, ids...) }
}

// Except publishes to every subscriber but those with one of ids.
func Except(ids ...string) Target {
	return func(t *target) { t.except = append(t.except, ids...) }
}

// Topics publishes to the subscribers of one of topics, and to those with
// no topics (which receive everything).
func Topics(topics ...string) Target {
	return func(t *target) { t.topics = append(t.topics, topics...) }
}

// matches reports whether s is a subscriber t reaches.
func (t *target) matches(s *subscriber) bool {
	if len(t.to) > 0 && !slices.Contains(t.to, s.ID) {
		return false
	}
	if slices.Contains(t.except, s.ID) {
		return false
	}
	if len(t.topics) == 0 || len(s.Topics) == 0 {
		return true
	}
	for _, topic := range t.topics {
		if slices.Contains(s.Topics, topic) {
			return true
		}
	}
	return false
}

// Publish sends ev to every subscriber the targets reach (all of them
// with no target; several targets must all match). It encodes ev once,
// never waits for a subscriber, and returns an error only for an event the
// sse.Writer refuses (sse.ErrInvalidField) or after Close (ErrClosed).
func (h *Hub) Publish(ev sse.Event, targets ...Target) error {
	var t target
	for _, tf := range targets {
		tf(&t)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrClosed
	}
	if t.ephemeral && ev.ID != "" {
		return fmt.Errorf("%w: an Ephemeral event has an id (%q)", sse.ErrInvalidField, ev.ID)
	}
	if ev.ID == "" && h.cfg.autoIDs && !t.ephemeral {
		h.seq++
		ev.ID = h.idPrefix + strconv.FormatUint(h.seq, 10)
	}
	var buf bytes.Buffer
	if err := sse.NewWriter(&buf).Send(ev); err != nil {
		return err
	}
	m := &message{id: ev.ID, at: time.Now(), encoded: buf.Bytes(), target: t}
	if m.id != "" { // never an Ephemeral event
		h.replay.add(m)
	}
	for s := range h.subs {
		if t.matches(s) {
			h.deliver(s, m)
		}
	}
	return nil
}

// PublishJSON publishes an event of type typ whose data is v as JSON.
func (h *Hub) PublishJSON(typ string, v any, targets ...Target) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("hub: encoding %s event: %w", typ, err)
	}
	return h.Publish(sse.Event{Type: typ, Data: string(data)}, targets...)
}

// deliver queues m for s without waiting, applying the slow policy when
// its queue is full. h.mu is held.
func (h *Hub) deliver(s *subscriber, m *message) {
	select {
	case s.queue <- m:
		return
	default:
	}
	if h.cfg.slow == Disconnect {
		h.cfg.log.Warn("hub: disconnecting slow subscriber", "id", s.ID, "queue", cap(s.queue))
		s.end(ErrSlow)
		return
	}
	// DropOldest: make room, and mark the gap.
	select {
	case <-s.queue:
		s.dropped.Store(true)
	default:
	}
	// Only publishers, under h.mu, add to a queue: the room made is there.
	s.queue <- m
}
