package hub

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ResetEvent is the type of the event a subscriber is sent when it cannot
// be given every event it should have had: its Last-Event-ID cannot be
// resumed from (data "replay"), or, under the DropOldest policy, events it
// had not been sent left the log (data "dropped"), or the log lost events
// (data "lost", from a shared log). A client should then reload the state
// the events describe. A "replay" reset carries the id of the newest event
// that can be resumed from, after which the stream goes on, so that a
// client reconnecting later resumes from there instead of being reset
// again (no id when there is none).
const ResetEvent = "reset"

// Hub broadcasts events to the subscribers it serves; see the package
// documentation. Create one with New. A Hub is safe for concurrent use.
//
// The data path, one file per stage: Publish (publish.go) encodes an
// event once and appends it to the Log (log.go); each subscriber
// (subscriber.go) is a cursor into the log; the writer shards (shard.go)
// send every subscriber what it lacks in one write, on connections taken
// over (takeover.go), or through a goroutine per stream where they cannot
// be (stream.go).
type Hub struct {
	cfg    config
	log    Log
	ownLog bool // log was made by New: Close closes it
	tick   time.Duration

	mu      sync.Mutex // guards subs and closed
	subs    map[*subscriber]struct{}
	closed  bool
	isClose atomic.Bool // closed, for Publish

	streams sync.WaitGroup // registered subscribers not yet finished

	ownMu  sync.Mutex
	ownSub map[*subscriber]struct{} // streams served by a goroutine of their own

	shards     []*shard
	startOnce  sync.Once
	next       atomic.Uint32 // round-robin shard choice
	quit       chan struct{} // closed to stop the shards
	stopped    chan struct{} // closed once closed and every stream finished
	shardsDone sync.WaitGroup

	lostGen atomic.Uint64 // generation of Lost calls
	lostAt  atomic.Uint64 // position after which the last Lost goes on

	// changed is closed and replaced by the first shard on each of its
	// passes (when the log changed, and on the tick), when goroutines
	// may wait on it: those serving streams of their own, and requests
	// waiting for a Last-Event-ID ahead of the log. Publish never wakes
	// them itself: that would cost it one wake-up per goroutine.
	changed   atomic.Pointer[chan struct{}]
	listeners atomic.Int32 // goroutines that may wait on changed

	stats counters
}

// New returns a Hub configured by opts.
func New(opts ...Option) *Hub {
	h := &Hub{cfg: defaults(), subs: map[*subscriber]struct{}{}, ownSub: map[*subscriber]struct{}{}, quit: make(chan struct{}), stopped: make(chan struct{})}
	for _, o := range opts {
		o(&h.cfg)
	}
	h.log = h.cfg.log
	if h.log == nil {
		h.log = NewMemoryLog(WindowLimits{
			Entries:   max(h.cfg.queue, h.cfg.replayMax),
			Bytes:     h.cfg.logBytes,
			Age:       h.cfg.replayAge,
			Resumable: h.cfg.replayMax,
		})
		h.ownLog = true
	}
	h.tick = time.Second
	if d := h.cfg.heartbeat / 2; d > 0 {
		h.tick = min(h.tick, d)
	}
	if d := h.cfg.writeTimeout / 4; d > 0 {
		h.tick = min(h.tick, d)
	}
	h.tick = max(h.tick, 5*time.Millisecond)
	for range runtime.GOMAXPROCS(0) {
		h.shards = append(h.shards, newShard(h))
	}
	c := make(chan struct{})
	h.changed.Store(&c)
	h.log.Listen(listener{h})
	return h
}

// listener is how the log reaches the Hub.
type listener struct{ h *Hub }

// Appended wakes the writers: each shard, the first of which wakes the
// goroutines serving streams of their own.
func (l listener) Appended() {
	for _, sh := range l.h.shards {
		sh.wake()
	}
}

// Lost makes every subscriber connected now get one reset.
func (l listener) Lost(at uint64) {
	l.h.lostAt.Store(at)
	l.h.lostGen.Add(1)
	l.Appended()
}

// Disconnect ends the local streams of ids.
func (l listener) Disconnect(ids []string) { l.h.kick(ids) }

// checkOwn ends as slow, under the Disconnect policy, the streams served
// by goroutines of their own that fell off the log: one blocked in a
// write to a client that does not read cannot see it itself. The first
// shard calls it on its tick.
func (h *Hub) checkOwn() {
	if h.cfg.slow != Disconnect {
		return
	}
	first, _ := h.log.Bounds()
	h.ownMu.Lock()
	defer h.ownMu.Unlock()
	for s := range h.ownSub {
		if s.at.Load()+1 < first {
			h.slow(s, "fell off the log")
		}
	}
}

// broadcast wakes the goroutines waiting on changed.
func (h *Hub) broadcast() {
	if h.listeners.Load() == 0 {
		return
	}
	c := make(chan struct{})
	close(*h.changed.Swap(&c))
}

// start starts the writer shards, once.
func (h *Hub) start() {
	h.startOnce.Do(func() {
		for _, sh := range h.shards {
			h.shardsDone.Add(1)
			go sh.run()
		}
	})
}

// register adds s to the Hub's subscribers, unless the Hub is closed; it
// counts it in h.streams under the same lock as Shutdown marks the Hub
// closed.
func (h *Hub) register(s *subscriber) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.start()
	h.streams.Add(1)
	h.subs[s] = struct{}{}
	return true
}

// finish ends s's stream for good, once: it closes the connection taken
// over, unregisters s and calls the disconnect hook.
func (h *Hub) finish(s *subscriber) {
	s.fin.Do(func() {
		reason := s.endReason()
		if errors.Is(reason, ErrSlow) {
			h.stats.slow.Add(1) // before the hook: it may read Stats
		}
		if s.conn != nil && s.sh != nil {
			closeConn(s, reason)
			h.stats.takenOver.Add(-1)
		}
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
		h.cfg.logger.Debug("hub: disconnect", "id", s.ID, "reason", reason)
		if h.cfg.onGone != nil {
			h.cfg.onGone(s.Subscriber, reason)
		}
		h.streams.Done()
	})
}

// Clients returns the number of streams being served.
func (h *Hub) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Disconnect ends the streams of the subscribers whose ID is one of ids,
// with reason ErrKicked; their clients may reconnect. With no ids it
// disconnects nobody, and a subscriber without an ID is never
// disconnected by it, even Disconnect(""). With a shared log (WithLog),
// the subscribers of every instance are disconnected.
func (h *Hub) Disconnect(ids ...string) {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == "" })
	if len(ids) == 0 {
		return
	}
	if err := h.log.Disconnect(context.Background(), ids); err != nil {
		h.cfg.logger.Warn("hub: disconnect on other instances", "ids", ids, "err", err)
		h.kick(ids)
	}
}

// kick ends the local streams of the subscribers with one of ids.
func (h *Hub) kick(ids []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if s.ID != "" && slices.Contains(ids, s.ID) {
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
// clients come back to the next one (see CloseOnShutdown).
// Closing a closed Hub does nothing.
func (h *Hub) Close() {
	h.Shutdown(context.Background())
}

// Shutdown is Close, waiting for the streams to finish at most until ctx
// is done; it returns ctx's error if they had not.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	first := !h.closed
	h.closed = true
	h.isClose.Store(true)
	for s := range h.subs {
		s.end(ErrClosed)
	}
	h.mu.Unlock()
	if first {
		go func() {
			h.streams.Wait()
			close(h.quit)
			h.shardsDone.Wait()
			if h.ownLog {
				h.log.Close()
			}
			close(h.stopped)
		}()
	}
	select {
	case <-h.stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// CloseOnShutdown makes srv.Shutdown close the Hub (with
// http.Server.RegisterOnShutdown): without it, Shutdown waits for ever on
// the streams it still serves, and never ends the ones the Hub took over.
// Shutdown then returns once the other requests are done; call h.Shutdown
// too to wait for the streams to finish.
func (h *Hub) CloseOnShutdown(srv *http.Server) {
	srv.RegisterOnShutdown(h.Close)
}
