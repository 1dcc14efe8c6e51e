package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fastsse/sse"
)

// Publish sends ev to every subscriber the targets reach (all of them
// with no target; several targets must all match; see To, Except, Topics
// and Ephemeral) and returns the id it was given: ev.ID, or the automatic
// one (WithAutoIDs), or "" for none.
//
// It encodes ev once and appends it to the log, under a short lock,
// whatever the number of subscribers; the writers send it on. It never
// waits for a subscriber, and returns an error only for an event the
// sse.Writer refuses (sse.ErrInvalidField), after Close (ErrClosed), or
// from a shared log's Append.
func (h *Hub) Publish(ev sse.Event, targets ...Target) (string, error) {
	e := Entry{At: time.Now()}
	for _, t := range targets {
		t(&e)
	}
	if h.isClose.Load() {
		return "", ErrClosed
	}
	if e.Ephemeral && ev.ID != "" {
		return "", fmt.Errorf("%w: an Ephemeral event has an id (%q)", sse.ErrInvalidField, ev.ID)
	}
	var buf bytes.Buffer
	if err := sse.NewWriter(&buf).Send(ev); err != nil {
		return "", err
	}
	e.ID, e.Frame = ev.ID, buf.Bytes()
	e.AutoID = h.cfg.autoIDs && ev.ID == "" && !e.Ephemeral
	return h.log.Append(context.Background(), &e)
}

// PublishJSON publishes an event of type typ whose data is v as JSON, as
// Publish does, and returns the id it was given.
func (h *Hub) PublishJSON(typ string, v any, targets ...Target) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("hub: encoding %s event: %w", typ, err)
	}
	return h.Publish(sse.Event{Type: typ, Data: string(data)}, targets...)
}
