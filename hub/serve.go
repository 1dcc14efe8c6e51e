package hub

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// aheadWait bounds how long a request whose Last-Event-ID is ahead of this
// instance's log waits for the log to catch up before it is treated as
// unknown.
const aheadWait = 2 * time.Second

// ServeHTTP admits the request (WithAdmission), registers it as a
// subscriber positioned in the log after its Last-Event-ID, runs the
// connect hooks, and then streams events to it until its client goes
// away, it is disconnected, or the Hub is closed: on an HTTP/1.x
// connection the Hub takes over (see WithTakeover), ServeHTTP returns at
// once and the Hub's writers serve the stream; otherwise ServeHTTP serves
// it until it ends.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := &subscriber{Subscriber: Subscriber{ID: h.cfg.idFunc(r), Request: r}, done: make(chan struct{})}
	lastID := r.Header.Get("Last-Event-ID")
	if len(lastID) > h.cfg.maxLastID {
		// Not kept, not even in the request the subscriber holds.
		r.Header.Del("Last-Event-ID")
	} else {
		s.LastEventID = lastID
	}
	if h.cfg.topicsFunc != nil {
		s.Topics = h.cfg.topicsFunc(r)
	}
	if h.cfg.admit != nil {
		if err := h.cfg.admit(r, &s.Subscriber); err != nil {
			h.refuse(w, s, err)
			return
		}
	}
	s.all = isAllTopics(s.Topics)
	if !h.register(s) {
		// No response at all: EventSource retries after a network error,
		// but gives up for good on any status but 200, and a closed Hub is
		// usually a server restarting, which its clients should come back
		// to. net/http closes the connection (or resets the HTTP/2 stream)
		// without logging.
		panic(http.ErrAbortHandler)
	}
	resumed := h.position(s, lastID != "")
	// The hooks run before the response headers are sent: once a client
	// has its response, its connect hooks have run.
	h.cfg.logger.Debug("hub: connect", "id", s.ID, "last-event-id", s.LastEventID)
	if h.cfg.onConnect != nil {
		h.cfg.onConnect(s.Subscriber)
	}
	if lastID != "" && h.cfg.onReconnect != nil {
		h.cfg.onReconnect(s.Subscriber, resumed)
	}
	if h.takeover(w, r, s) {
		return
	}
	h.serveStream(w, r.Context(), s)
}

// refuse answers a request the admission function refused.
func (h *Hub) refuse(w http.ResponseWriter, s *subscriber, err error) {
	var ref *Refusal
	if errors.As(err, &ref) {
		status := ref.Status
		if status < 400 || status > 599 {
			status = http.StatusForbidden
		}
		http.Error(w, ref.Message, status)
		return
	}
	h.cfg.logger.Warn("hub: admission failed", "id", s.ID, "err", err)
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// position sets s's cursor: after its Last-Event-ID when it can resume
// from it, else after the newest entry; and what its stream starts with
// (retry, a reset). It reports whether s resumed.
func (h *Hub) position(s *subscriber, hadLastID bool) (resumed bool) {
	s.gen = h.lostGen.Load()
	_, last := h.log.Bounds()
	s.cursor, s.replayEnd = last, last
	var intro []byte
	if h.cfg.retry > 0 {
		intro = append(intro, "retry: "...)
		intro = strconv.AppendInt(intro, h.cfg.retry.Milliseconds(), 10)
		intro = append(intro, "\n\n"...)
	}
	resumed = true
	if hadLastID {
		// A Last-Event-ID too long to keep is resolved as "", which no
		// entry has: Unknown, with the newest id for the reset.
		r := h.resolve(s.LastEventID)
		s.cursor = r.Pos
		s.replayEnd = max(last, r.Pos)
		if r.Res != Found {
			resumed = false
			intro = h.appendReset(intro, r.NewestID, "replay")
		}
	}
	s.intro = intro
	return resumed
}

// resolve resolves a Last-Event-ID, waiting at most aheadWait for a log
// that has not yet applied it.
func (h *Hub) resolve(id string) Resolved {
	deadline := time.Now().Add(aheadWait)
	h.listeners.Add(1)
	defer h.listeners.Add(-1)
	for {
		changed := *h.changed.Load()
		r := h.log.Resolve(id)
		if r.Res != Ahead {
			return r
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			_, last := h.log.Bounds()
			return Resolved{Res: Unknown, Pos: last}
		}
		t := time.NewTimer(wait)
		select {
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// streamHeaders sets the headers of an event stream on hdr, as
// sse.NewStream does.
func streamHeaders(hdr http.Header) {
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Accel-Buffering", "no")
	hdr.Del("Content-Length")
}
