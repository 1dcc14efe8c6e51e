package hub

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fastsse/sse"
)

// ResetEvent is the type of the event a subscriber is sent when it cannot
// be given every event it should have had: its Last-Event-ID is no longer
// in the replay buffer (data "replay"), or, under the DropOldest policy,
// events were dropped from its queue (data "dropped"). A client should
// then reload the state the events describe. A "replay" reset carries the
// id of the newest event the Hub has buffered, after which the stream goes
// on, so that a client reconnecting later resumes from there instead of
// being reset again (no id when the buffer is empty).
const ResetEvent = "reset"

// Hub broadcasts events to the subscribers it serves; see the package
// documentation. Create one with New. A Hub is safe for concurrent use.
type Hub struct {
	cfg      config
	idPrefix string

	mu     sync.Mutex // guards the fields below, and orders publishing
	subs   map[*subscriber]struct{}
	replay replay
	seq    uint64
	closed bool

	streams sync.WaitGroup // running ServeHTTP calls
}

// subscriber is one stream.
type subscriber struct {
	Subscriber
	queue   chan *message
	dropped atomic.Bool // DropOldest dropped a message since the last write

	once   sync.Once
	done   chan struct{} // closed by end
	reason error         // why, set before done is closed

	mu   sync.Mutex               // guards rc and live
	rc   *http.ResponseController // the stream's response, while live
	live bool                     // ServeHTTP is running: rc may be used
}

// end ends the subscriber's stream with reason (the first reason wins). A
// write blocked on a client that does not read is interrupted at once, by a
// write deadline in the past.
func (s *subscriber) end(reason error) {
	s.once.Do(func() {
		s.reason = reason
		close(s.done)
		s.mu.Lock()
		if s.live {
			s.rc.SetWriteDeadline(time.Now())
		}
		s.mu.Unlock()
	})
}

// ended returns the reason the stream was ended with, or nil.
func (s *subscriber) ended() error {
	select {
	case <-s.done:
		return s.reason
	default:
		return nil
	}
}

// New returns a Hub configured by opts.
func New(opts ...Option) *Hub {
	h := &Hub{cfg: defaults(), subs: map[*subscriber]struct{}{}}
	for _, o := range opts {
		o(&h.cfg)
	}
	h.replay = replay{max: h.cfg.replayMax, maxAge: h.cfg.replayAge}
	// Unique to this Hub: a random part, so that two Hubs made at the same
	// clock reading differ, and the time, so that a restarted server never
	// repeats one.
	h.idPrefix = strconv.FormatUint(rand.Uint64()>>32, 36) + strconv.FormatInt(time.Now().UnixNano(), 36) + "-"
	return h
}

// ServeHTTP streams events to the request's client until it goes away, it
// is disconnected, or the Hub is closed. The connect hooks run first, then
// the response headers are sent at once.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := &subscriber{
		Subscriber: Subscriber{ID: h.cfg.idFunc(r), LastEventID: r.Header.Get("Last-Event-ID"), Request: r},
		queue:      make(chan *message, h.cfg.queue),
		done:       make(chan struct{}),
	}
	if h.cfg.topicsFunc != nil {
		s.Topics = h.cfg.topicsFunc(r)
	}
	backlog, resetID, resumed, ok := h.add(s)
	if !ok {
		// No response at all: EventSource retries after a network error,
		// but gives up for good on any status but 200, and a closed Hub is
		// usually a server restarting, which its clients should come back
		// to. net/http closes the connection (or resets the HTTP/2 stream)
		// without logging.
		panic(http.ErrAbortHandler)
	}
	defer h.streams.Done()
	// The hooks run before the response headers are sent: once a client
	// has its response, its connect hooks have run.
	h.cfg.log.Debug("hub: connect", "id", s.ID, "last-event-id", s.LastEventID)
	if h.cfg.onConnect != nil {
		h.cfg.onConnect(s.Subscriber)
	}
	if s.LastEventID != "" && h.cfg.onReconnect != nil {
		h.cfg.onReconnect(s.Subscriber, resumed)
	}
	sw, err := sse.NewStream(w)
	if err != nil {
		h.remove(s)
		h.gone(s, err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	reason := h.stream(w, sw, s, backlog, resetID, resumed)
	h.remove(s)
	h.gone(s, reason)
}

// gone reports the end of s's stream.
func (h *Hub) gone(s *subscriber, reason error) {
	h.cfg.log.Debug("hub: disconnect", "id", s.ID, "reason", reason)
	if h.cfg.onGone != nil {
		h.cfg.onGone(s.Subscriber, reason)
	}
}

// add registers s and returns the replayed messages it must be sent first,
// and whether its Last-Event-ID (if any) was found; when it was not,
// resetID is the id the ResetEvent carries: that of the newest event
// buffered, after which s's stream goes on. Registering and
// reading the buffer under one lock means no event is missed or sent twice
// between the two. It counts the stream in h.streams, under the same lock
// as Shutdown marks the Hub closed. ok is false when the Hub is closed.
func (h *Hub) add(s *subscriber) (backlog []*message, resetID string, resumed, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, "", false, false
	}
	h.streams.Add(1)
	h.subs[s] = struct{}{}
	if s.LastEventID == "" {
		return nil, "", true, true
	}
	msgs, found := h.replay.since(s.LastEventID, time.Now())
	if !found {
		return nil, h.replay.newestID(), false, true
	}
	for _, m := range msgs {
		if m.target.matches(s) {
			backlog = append(backlog, m)
		}
	}
	return backlog, "", true, true
}

func (h *Hub) remove(s *subscriber) {
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
}

// stream writes to one subscriber until it ends, and returns why.
func (h *Hub) stream(w http.ResponseWriter, sw *sse.Writer, s *subscriber, backlog []*message, resetID string, resumed bool) error {
	s.mu.Lock()
	s.rc, s.live = http.NewResponseController(w), true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.live = false
		// Bound what net/http writes after the handler returns (the end
		// of a chunked body) on a client that stopped reading; net/http
		// clears the deadline itself before it reuses the connection.
		var deadline time.Time
		if h.cfg.writeTimeout > 0 {
			deadline = time.Now().Add(h.cfg.writeTimeout)
		}
		s.rc.SetWriteDeadline(deadline)
		s.mu.Unlock()
	}()
	sw.SetAutoFlush(false)
	// failed says why a write failed: the stream was ended (and the write
	// interrupted), the client did not read for the write timeout, or it
	// went away.
	failed := func(err error) error {
		if r := s.ended(); r != nil {
			return r
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			h.cfg.log.Warn("hub: write timed out", "id", s.ID, "timeout", h.cfg.writeTimeout)
			return ErrSlow
		}
		return ErrClientGone
	}
	// send writes one batch: fn's writes, then a flush, within the write
	// timeout.
	send := func(fn func() error) error {
		if err := h.setDeadline(s); err != nil {
			return err
		}
		err := fn()
		if err == nil {
			err = sw.Flush()
		}
		if err != nil {
			return failed(err)
		}
		return nil
	}
	err := send(func() error {
		if h.cfg.retry > 0 {
			if err := sw.Retry(h.cfg.retry); err != nil {
				return err
			}
		}
		if !resumed {
			if err := sw.Send(sse.Event{Type: ResetEvent, ID: resetID, Data: "replay"}); err != nil {
				return err
			}
		}
		for _, m := range backlog {
			if _, err := w.Write(m.encoded); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var beat <-chan time.Time
	var timer *time.Timer
	if h.cfg.heartbeat > 0 {
		timer = time.NewTimer(h.cfg.heartbeat)
		defer timer.Stop()
		beat = timer.C
	}
	for {
		select {
		case <-s.Request.Context().Done():
			return ErrClientGone
		case <-s.done:
			return s.reason
		case <-beat:
			err = send(func() error { return sw.Comment("heartbeat") })
		case m := <-s.queue:
			// Write what is queued, then flush once.
			err = send(func() error { return h.drain(w, sw, s, m) })
		}
		if err != nil {
			return err
		}
		if timer != nil {
			timer.Reset(h.cfg.heartbeat)
		}
	}
}

// setDeadline sets the write deadline for s's next batch of writes. It
// returns the reason s was ended if it was: under s.mu, so that end either
// has been seen or will set its own deadline after this one.
func (h *Hub) setDeadline(s *subscriber) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ended(); err != nil {
		return err
	}
	if h.cfg.writeTimeout > 0 {
		s.rc.SetWriteDeadline(time.Now().Add(h.cfg.writeTimeout))
	}
	return nil
}

// drain writes m and whatever else is queued for s, each preceded by a
// ResetEvent when DropOldest dropped events before it.
func (h *Hub) drain(w http.ResponseWriter, sw *sse.Writer, s *subscriber, m *message) error {
	for {
		if s.dropped.Swap(false) {
			if err := sw.Send(sse.Event{Type: ResetEvent, Data: "dropped"}); err != nil {
				return err
			}
		}
		if _, err := w.Write(m.encoded); err != nil {
			return err
		}
		select {
		case m = <-s.queue:
		default:
			return nil
		}
	}
}

// Clients returns the number of streams being served.
func (h *Hub) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Disconnect ends the streams of the subscribers with one of ids, with
// reason ErrKicked. Their clients may reconnect.
func (h *Hub) Disconnect(ids ...string) {
	t := target{to: ids}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if t.matches(s) {
			s.end(ErrKicked)
		}
	}
}

// Close ends every stream, with reason ErrClosed, and waits for them to
// finish. Publish then returns ErrClosed, and a new request gets no
// response: its connection is closed (by panicking with
// http.ErrAbortHandler, which net/http handles silently; a middleware that
// recovers panics should re-panic it). Browsers' EventSource retries after
// that, as after any network error, whereas an error status would make
// them stop for good; so close the Hub when the server goes down, and its
// clients come back to the next one.
// Closing a closed Hub does nothing.
func (h *Hub) Close() {
	h.Shutdown(context.Background())
}

// Shutdown is Close, waiting for the streams to finish at most until ctx
// is done; it returns ctx's error if they had not.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	for s := range h.subs {
		s.end(ErrClosed)
	}
	h.mu.Unlock()
	done := make(chan struct{})
	go func() {
		h.streams.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
