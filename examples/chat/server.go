package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fastsse/sse/hub"
)

//go:embed index.html
var indexHTML []byte

// Limits on what a client may send.
const (
	maxName = 32       // runes in a name
	maxText = 2000     // runes in a message
	maxBody = 64 << 10 // bytes in a POST /send body
)

// config holds what newServer needs; zero values mean no replay, no
// heartbeat and no retry hint.
type config struct {
	Replay    int           // events kept to resume reconnecting browsers
	Heartbeat time.Duration // comment sent on an idle stream
	Retry     time.Duration // reconnection delay suggested to browsers
	Logger    *slog.Logger  // nil discards
}

// message is the data of a "message" event.
type message struct {
	Name string    `json:"name"`
	Text string    `json:"text"`
	Time time.Time `json:"time"`
}

// presence is the data of a "presence" event: who is online, each name
// once however many tabs it has open.
type presence struct {
	Online []string `json:"online"`
	Count  int      `json:"count"`
}

// server is the chat room: an http.Handler with the page, the event
// stream and the endpoint messages are posted to.
type server struct {
	hub *hub.Hub
	mux *http.ServeMux
	log *slog.Logger

	mu     sync.Mutex     // guards online and orders presence events
	online map[string]int // streams open per name
}

// newServer returns the chat room's handler. Call its Shutdown method to
// end the event streams, which otherwise never end on their own.
func newServer(cfg config) *server {
	s := &server{log: cfg.Logger, online: map[string]int{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	opts := []hub.Option{
		hub.WithSubscriberID(func(r *http.Request) string { return r.URL.Query().Get("name") }),
		hub.WithAutoIDs(),
		hub.WithHeartbeat(cfg.Heartbeat),
		hub.WithOnConnect(s.connected),
		hub.WithOnReconnect(s.reconnected),
		hub.WithOnDisconnect(s.disconnected),
	}
	if cfg.Replay > 0 {
		opts = append(opts, hub.WithReplay(cfg.Replay, 0))
	}
	if cfg.Retry > 0 {
		opts = append(opts, hub.WithRetry(cfg.Retry))
	}
	s.hub = hub.New(opts...)

	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /{$}", s.index)
	s.mux.HandleFunc("GET /events", s.events)
	s.mux.HandleFunc("POST /send", s.send)
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Shutdown ends every event stream, waiting for them at most until ctx is
// done. Browsers then try to reconnect, as EventSource does.
func (s *server) Shutdown(ctx context.Context) error {
	return s.hub.Shutdown(ctx)
}

func (s *server) index(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
	w.Write(indexHTML)
}

// events serves the stream of a named browser. A browser that recreates
// its EventSource itself (after the stream failed for good) cannot set
// the Last-Event-ID header, so it may pass ?lastEventId= instead.
func (s *server) events(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := q.Get("name")
	if err := checkName(name); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if id := q.Get("lastEventId"); id != "" && r.Header.Get("Last-Event-ID") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Last-Event-ID", id)
	}
	s.hub.ServeHTTP(w, r)
}

// send publishes a message posted as a form or as JSON, with fields name
// and text.
func (s *server) send(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	var m message
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if mt == "application/json" {
		err = json.NewDecoder(r.Body).Decode(&m)
		if err != nil {
			err = fmt.Errorf("invalid JSON body: %w", err)
		}
	} else {
		err = r.ParseForm()
		m.Name, m.Text = r.PostForm.Get("name"), r.PostForm.Get("text")
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, fmt.Sprintf("request body larger than %d bytes", maxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	m.Name = strings.TrimSpace(m.Name)
	m.Text = strings.TrimSpace(m.Text)
	if err := checkName(m.Name); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := checkText(m.Text); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	m.Time = time.Now().UTC().Truncate(time.Millisecond)
	if err := s.hub.PublishJSON("message", m); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func checkName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("name is required")
	case !utf8.ValidString(name):
		return errors.New("name is not valid UTF-8")
	case utf8.RuneCountInString(name) > maxName:
		return fmt.Errorf("name is longer than %d characters", maxName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errors.New("name contains control characters")
	case name != strings.TrimSpace(name):
		return errors.New("name starts or ends with spaces")
	}
	return nil
}

func checkText(text string) error {
	switch {
	case text == "":
		return errors.New("text is required")
	case !utf8.ValidString(text):
		return errors.New("text is not valid UTF-8")
	case utf8.RuneCountInString(text) > maxText:
		return fmt.Errorf("text is longer than %d characters", maxText)
	}
	return nil
}

// The hub calls these hooks from the goroutine serving the stream, without
// holding its own lock, so they may publish. s.mu is held while publishing
// so that presence events go out in the order the changes happened; the
// hub never calls back into s while it holds its lock, so the order of the
// two locks (s.mu, then the hub's) is always the same.

func (s *server) connected(sub hub.Subscriber) {
	s.log.Info("connect", "name", sub.ID, "last-event-id", sub.LastEventID)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.online[sub.ID]++
	s.publishPresence()
}

func (s *server) reconnected(sub hub.Subscriber, resumed bool) {
	if !resumed {
		s.log.Info("reconnect from an event no longer kept: sent a reset", "name", sub.ID, "last-event-id", sub.LastEventID)
	}
}

func (s *server) disconnected(sub hub.Subscriber, reason error) {
	s.log.Info("disconnect", "name", sub.ID, "reason", reason)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.online[sub.ID]--; s.online[sub.ID] <= 0 {
		delete(s.online, sub.ID)
	}
	s.publishPresence()
}

// publishPresence publishes who is online. s.mu is held.
func (s *server) publishPresence() {
	p := presence{Online: make([]string, 0, len(s.online))}
	for name := range s.online {
		p.Online = append(p.Online, name)
	}
	slices.Sort(p.Online)
	p.Count = len(p.Online)
	// Ephemeral: presence is not worth replaying to a client that
	// reconnects (it gets the current list on connecting anyway).
	if err := s.hub.PublishJSON("presence", p, hub.Ephemeral()); err != nil && !errors.Is(err, hub.ErrClosed) {
		s.log.Error("publishing presence", "err", err)
	}
}
