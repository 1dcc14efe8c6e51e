package main

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
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
	maxBody = 64 << 10 // bytes in a POST body
)

// cookieName names the session cookie.
const cookieName = "chat_session"

// config holds what newServer needs. Replay, Heartbeat and Retry at zero
// mean no replay, no heartbeat and no retry hint; the other fields at zero
// take the default in their comment.
type config struct {
	Replay    int           // events kept to resume reconnecting browsers
	Heartbeat time.Duration // comment sent on an idle stream
	Retry     time.Duration // reconnection delay suggested to browsers
	Logger    *slog.Logger  // nil discards

	MaxSessions   int           // people in the room at once (1000)
	SessionIdle   time.Duration // how long a session outlives its last stream (2m)
	PostRate      float64       // messages a second per session, sustained (5)
	PostBurst     int           // messages at once per session, after a pause (10)
	PresenceEvery time.Duration // at most one presence snapshot per interval (250ms)
	Clock         clock         // nil is the real time
}

func (c *config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = 1000
	}
	if c.SessionIdle <= 0 {
		c.SessionIdle = 2 * time.Minute
	}
	if c.PostRate <= 0 {
		c.PostRate = 5
	}
	if c.PostBurst <= 0 {
		c.PostBurst = 10
	}
	if c.PresenceEvery <= 0 {
		c.PresenceEvery = 250 * time.Millisecond
	}
	if c.Clock == nil {
		c.Clock = realClock{}
	}
}

// message is the data of a "message" event.
type message struct {
	Name string    `json:"name"`
	Text string    `json:"text"`
	Time time.Time `json:"time"`
}

// server is the chat room: an http.Handler with the page, the event
// stream and the endpoints to join, leave and post.
type server struct {
	hub      *hub.Hub
	mux      *http.ServeMux
	log      *slog.Logger
	sessions *sessions
	presence *presence
}

// newServer returns the chat room's handler. Call its Shutdown method to
// end the event streams, which otherwise never end on their own.
func newServer(cfg config) *server {
	cfg.setDefaults()
	s := &server{log: cfg.Logger}
	s.sessions = newSessions(sessionLimits{
		max:   cfg.MaxSessions,
		idle:  cfg.SessionIdle,
		rate:  cfg.PostRate,
		burst: cfg.PostBurst,
	}, cfg.Clock)
	s.presence = &presence{
		every:   cfg.PresenceEvery,
		clock:   cfg.Clock,
		list:    s.sessions.online,
		publish: s.publishPresence,
	}
	opts := []hub.Option{
		hub.WithSubscriberID(subscriberID),
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
	s.mux.HandleFunc("GET /session", s.session)
	s.mux.HandleFunc("POST /join", s.join)
	s.mux.HandleFunc("POST /leave", s.leave)
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
	s.presence.close()
	return s.hub.Shutdown(ctx)
}

// publish publishes v as JSON in an event of type typ: the one call the
// chat room makes to publish.
func (s *server) publish(typ string, v any, targets ...hub.Target) error {
	_, err := s.hub.PublishJSON(typ, v, targets...)
	return err
}

// indexCSP allows the page its own inline script and style, by their
// hashes, and nothing else: no other script, no framing by other sites.
var indexCSP = func() string {
	hash := func(tag string) string {
		_, rest, _ := strings.Cut(string(indexHTML), "<"+tag+">")
		body, _, _ := strings.Cut(rest, "</"+tag+">")
		sum := sha256.Sum256([]byte(body))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'self'; script-src " + hash("script") + "; style-src " + hash("style") +
		"; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
}()

func (s *server) index(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", indexCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.Write(indexHTML)
}

// session answers who the browser is in the room, as {"name": NAME},
// with "" for no one, so that a page reloaded goes straight back in.
func (s *server) session(w http.ResponseWriter, r *http.Request) {
	m, _ := s.sessions.lookup(sessionToken(r))
	writeJSON(w, struct {
		Name string `json:"name"`
	}{m.name})
}

// join enters the room under the posted name, as a form or as JSON. It
// answers {"name": NAME} and sets the session cookie.
func (s *server) join(w http.ResponseWriter, r *http.Request) {
	if err := checkSameOrigin(r); err != nil {
		httpError(w, err)
		return
	}
	var body postBody
	if err := body.read(w, r); err != nil {
		httpError(w, err)
		return
	}
	name := strings.TrimSpace(body.Name)
	if err := checkName(name); err != nil {
		httpError(w, err)
		return
	}
	m, ended, err := s.sessions.join(name, sessionToken(r))
	if err != nil {
		httpError(w, err)
		return
	}
	if ended.id != "" {
		s.hub.Disconnect(ended.id)
		s.presence.changed()
	}
	s.log.Info("join", "name", m.name, "session", m.id)
	http.SetCookie(w, &http.Cookie{
		Name:     cookieName,
		Value:    m.token,
		Path:     "/",
		Secure:   r.TLS != nil,
		HttpOnly: true,                    // out of reach of scripts
		SameSite: http.SameSiteStrictMode, // never sent by other sites' requests
		// No MaxAge: the cookie ends with the browser session.
	})
	writeJSON(w, struct {
		Name string `json:"name"`
	}{m.name})
}

// leave ends the browser's session and its streams, and frees its name.
func (s *server) leave(w http.ResponseWriter, r *http.Request) {
	if err := checkSameOrigin(r); err != nil {
		httpError(w, err)
		return
	}
	m, err := s.sessions.leave(sessionToken(r))
	if err != nil {
		httpError(w, err)
		return
	}
	s.log.Info("leave", "name", m.name, "session", m.id)
	s.hub.Disconnect(m.id)
	s.presence.changed()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Path: "/", MaxAge: -1, Secure: r.TLS != nil, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

// subscriberKey is the context key of the session id a stream's request
// carries to the hub.
type subscriberKey struct{}

func subscriberID(r *http.Request) string {
	id, _ := r.Context().Value(subscriberKey{}).(string)
	return id
}

// events serves the stream of a browser in the room. A browser that
// recreates its EventSource itself (after the stream failed for good)
// cannot set the Last-Event-ID header, so it may pass ?lastEventId=
// instead.
func (s *server) events(w http.ResponseWriter, r *http.Request) {
	m, err := s.sessions.lookup(sessionToken(r))
	if err != nil {
		httpError(w, err)
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), subscriberKey{}, m.id))
	if id := r.URL.Query().Get("lastEventId"); id != "" && r.Header.Get("Last-Event-ID") == "" {
		r.Header = r.Header.Clone()
		r.Header.Set("Last-Event-ID", id)
	}
	s.hub.ServeHTTP(w, r)
}

// send publishes a message posted as a form or as JSON, with a field
// text, under the name of the poster's session.
func (s *server) send(w http.ResponseWriter, r *http.Request) {
	if err := checkSameOrigin(r); err != nil {
		httpError(w, err)
		return
	}
	m, wait, err := s.sessions.post(sessionToken(r))
	if err != nil {
		httpError(w, err)
		return
	}
	if wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		http.Error(w, "too many messages: wait a moment", http.StatusTooManyRequests)
		return
	}
	var body postBody
	if err := body.read(w, r); err != nil {
		httpError(w, err)
		return
	}
	text := strings.TrimSpace(body.Text)
	if err := checkText(text); err != nil {
		httpError(w, err)
		return
	}
	msg := message{Name: m.name, Text: text, Time: time.Now().UTC().Truncate(time.Millisecond)}
	if err := s.publish("message", msg); err != nil {
		httpError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// sessionToken is the token in r's session cookie, or "".
func sessionToken(r *http.Request) string {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return ""
	}
	return c.Value
}

// postBody is what the POST endpoints read, from a form or from JSON.
// Each endpoint uses its own field: a name posted to /send is ignored.
type postBody struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

func (b *postBody) read(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		if err := json.NewDecoder(r.Body).Decode(b); err != nil {
			return fmt.Errorf("invalid JSON body: %w", err)
		}
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	b.Name, b.Text = r.PostForm.Get("name"), r.PostForm.Get("text")
	return nil
}

// httpError answers err with its status.
func httpError(w http.ResponseWriter, err error) {
	code := http.StatusBadRequest
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errCrossSite), errors.Is(err, errNoSession):
		// 403 and not 401: 401 requires a WWW-Authenticate challenge,
		// and a cookie session has none.
		code = http.StatusForbidden
	case errors.Is(err, errNameTaken):
		code = http.StatusConflict
	case errors.Is(err, errRoomFull), errors.Is(err, hub.ErrClosed):
		code = http.StatusServiceUnavailable
	case errors.As(err, &tooBig):
		code = http.StatusRequestEntityTooLarge
		err = fmt.Errorf("request body larger than %d bytes", maxBody)
	}
	http.Error(w, err.Error(), code)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("name is required")
	case !utf8.ValidString(name):
		return errors.New("name is not valid UTF-8")
	case utf8.RuneCountInString(name) > maxName:
		return fmt.Errorf("name is longer than %d characters", maxName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errors.New("name contains control characters")
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

// The hub calls these hooks from the goroutine serving the stream, with
// none of its locks held, so they may publish and disconnect.

func (s *server) connected(sub hub.Subscriber) {
	if !s.sessions.streamStarted(sub.ID) {
		// The session ended between the request and now.
		s.hub.Disconnect(sub.ID)
		return
	}
	s.log.Info("connect", "session", sub.ID, "last-event-id", sub.LastEventID)
	s.presence.snapshotTo(sub.ID)
	s.presence.changed()
}

func (s *server) reconnected(sub hub.Subscriber, resumed bool) {
	if !resumed {
		s.log.Info("reconnect from an event no longer kept: sent a reset", "session", sub.ID, "last-event-id", sub.LastEventID)
	}
}

func (s *server) disconnected(sub hub.Subscriber, reason error) {
	s.log.Info("disconnect", "session", sub.ID, "reason", reason)
	s.sessions.streamEnded(sub.ID)
	s.presence.changed()
}

// publishPresence publishes a presence snapshot, to the subscriber with
// id, or to everyone when id is "". Presence is Ephemeral: not worth
// replaying to a client that reconnects, which is sent the list anyway.
func (s *server) publishPresence(p presenceData, id string) {
	targets := []hub.Target{hub.Ephemeral()}
	if id != "" {
		targets = append(targets, hub.To(id))
	}
	if err := s.publish("presence", p, targets...); err != nil && !errors.Is(err, hub.ErrClosed) {
		s.log.Error("publishing presence", "err", err)
	}
}
