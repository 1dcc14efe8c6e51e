package hub

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Hub; see New.
type Option func(*config)

// SlowPolicy says what happens to a subscriber that falls so far behind
// that the events it was not sent yet have left the log (see WithQueue).
type SlowPolicy int

const (
	// Disconnect ends the slow subscriber's stream, with reason ErrSlow;
	// its client reconnects and, with a replay buffer, resumes. The default.
	Disconnect SlowPolicy = iota
	// DropOldest sends the subscriber a ResetEvent ("dropped") and goes on
	// with the oldest event still in the log.
	DropOldest
)

// Subscriber describes a subscriber to the admission function and the
// hooks.
type Subscriber struct {
	// ID is the subscriber's ID, "" for an anonymous one (never reached
	// by To). Several streams (tabs, devices) may share an ID.
	ID string
	// Topics are the topics it receives events of besides those published
	// without topics; none means only those, and AllTopics every topic.
	Topics []string
	// LastEventID is the Last-Event-ID it connected with, if any, and
	// not longer than the limit (WithMaxLastEventID).
	LastEventID string
	// Request is the request that opened the stream. After the connect
	// hooks, the Hub may have taken its connection over: use it only to
	// read what it holds.
	Request *http.Request
}

// Refusal is the error an admission function (WithAdmission) returns to
// refuse a request: the Hub answers it with Status and Message. Create
// one with Refuse.
type Refusal struct {
	Status  int
	Message string
}

// Refuse returns a Refusal: the request is answered with status and
// message, and never becomes a subscriber. Browsers' EventSource does not
// reconnect after an error status.
func Refuse(status int, message string) error {
	return &Refusal{Status: status, Message: message}
}

func (r *Refusal) Error() string {
	return "hub: refused: " + http.StatusText(r.Status) + ": " + r.Message
}

type config struct {
	idFunc       func(*http.Request) string
	topicsFunc   func(*http.Request) []string
	admit        func(*http.Request, *Subscriber) error
	log          Log
	replayMax    int
	replayAge    time.Duration
	logBytes     int
	maxLastID    int
	autoIDs      bool
	heartbeat    time.Duration
	retry        time.Duration
	queue        int
	writeTimeout time.Duration
	slow         SlowPolicy
	takeover     bool
	logger       *slog.Logger
	onConnect    func(Subscriber)
	onReconnect  func(s Subscriber, resumed bool)
	onGone       func(s Subscriber, reason error)
}

func defaults() config {
	return config{
		idFunc:       func(*http.Request) string { return "" },
		heartbeat:    15 * time.Second,
		queue:        1024,
		logBytes:     16 << 20,
		maxLastID:    256,
		writeTimeout: 10 * time.Second,
		takeover:     true,
		logger:       slog.New(slog.DiscardHandler),
	}
}

// WithSubscriberID derives each subscriber's ID from its request, for
// example from its authentication; events can then be sent To or Except
// IDs. Several streams (tabs, devices) may share an ID. By default every
// subscriber's ID is "", and To reaches none of them.
func WithSubscriberID(fn func(*http.Request) string) Option {
	return func(c *config) { c.idFunc = fn }
}

// WithTopics derives the topics a subscriber wants from its request, for
// example from ?topic= parameters. A subscriber receives the events
// published without topics, and those published with Topics naming one of
// its topics. A subscriber with no topics receives no event published with
// topics; one that wants them all says so with AllTopics, which no list
// taken from a request can stand for:
//
//	hub.WithTopics(hub.AllTopics)
func WithTopics(fn func(*http.Request) []string) Option {
	return func(c *config) { c.topicsFunc = fn }
}

// WithAdmission sets a function that decides, before anything is sent,
// whether a request becomes a subscriber: the place for authentication.
// It is given the subscriber as WithSubscriberID and WithTopics made it,
// and may change its ID and Topics. Returning an error refuses the
// request: a Refusal (see Refuse) is answered with its status and message,
// any other error with 500 Internal Server Error (and logged, not sent).
// It runs in the request's goroutine, before the connect hooks.
func WithAdmission(fn func(r *http.Request, s *Subscriber) error) Option {
	return func(c *config) { c.admit = fn }
}

// WithReplay lets a client that reconnects with Last-Event-ID resume after
// any of the last max events (and, if maxAge > 0, only those younger than
// maxAge): it is sent exactly the events it missed. A client whose id is
// not among them is sent a ResetEvent. Only events with an ID can be
// resumed from; see WithAutoIDs. By default nothing can be resumed.
func WithReplay(max int, maxAge time.Duration) Option {
	return func(c *config) { c.replayMax, c.replayAge = max, maxAge }
}

// WithAutoIDs gives every published event without an ID one: a prefix
// unique to the Hub's log followed by a sequence number, so that ids from
// before a restart are never mistaken for new ones.
func WithAutoIDs() Option {
	return func(c *config) { c.autoIDs = true }
}

// WithHeartbeat sets how long a stream may stay silent before the Hub
// sends it a comment (default 15s, as the spec suggests). Zero disables
// heartbeats. Heartbeats are sent on the Hub's writers' tick: a stream may
// stay silent up to a tick longer (a tick is at most 1s, and at most half
// the heartbeat interval).
func WithHeartbeat(d time.Duration) Option {
	return func(c *config) { c.heartbeat = d }
}

// WithRetry sends each new stream a retry field: how long its client should
// wait before reconnecting. By default none is sent.
func WithRetry(d time.Duration) Option {
	return func(c *config) { c.retry = d }
}

// WithQueue sets how many events the log keeps at least (default 1024,
// and at least the replay's max), which is how far a subscriber may fall
// behind the newest event, and what happens to one that falls further
// (policy). A subscriber falls behind only while its client does not read:
// one that reads keeps up with the Hub's writers, whatever their own lag,
// unless events are published faster than the log keeps them.
func WithQueue(size int, policy SlowPolicy) Option {
	return func(c *config) { c.queue, c.slow = max(size, 1), policy }
}

// WithMaxLogBytes bounds the memory the events in the log may hold
// (default 16 MiB; the newest event is kept whatever its size). Like the
// count (WithQueue), it bounds how far a subscriber may fall behind.
// Zero removes the bound.
func WithMaxLogBytes(n int) Option {
	return func(c *config) { c.logBytes = max(n, 0) }
}

// WithMaxLastEventID bounds the Last-Event-ID a request may bring (default
// 256 bytes). A longer one is not kept (it is removed from the request's
// headers): the client is treated as one with an unknown id, and sent a
// ResetEvent.
func WithMaxLastEventID(n int) Option {
	return func(c *config) { c.maxLastID = max(n, 0) }
}

// WithLog makes the Hub publish to and serve from l instead of an
// in-memory log (NewMemoryLog) bounded by WithReplay, WithQueue and
// WithMaxLogBytes, which then do not apply; WithAutoIDs does. The Hub
// never closes l.
func WithLog(l Log) Option {
	return func(c *config) { c.log = l }
}

// WithWriteTimeout sets how long a client may leave its connection full
// (not reading what the Hub has to send it) before it is judged stalled
// and disconnected with reason ErrSlow (default 10s), under either
// policy. It bounds how long a client that stopped reading, while its
// connection stays open, holds a stream. The Hub's own delays never count:
// the time runs from when a write found the connection full. Zero means no
// limit, leaving only the log's bounds to detect slow subscribers.
func WithWriteTimeout(d time.Duration) Option {
	return func(c *config) { c.writeTimeout = d }
}

// WithTakeover sets whether the Hub takes over HTTP/1.x connections
// (default true): once a request is admitted, its connection is hijacked
// and the Hub writes the response itself, from a few writer goroutines
// shared by all subscribers, so that a subscriber costs no goroutine and
// no net/http buffers. Streams over HTTP/2 or TLS, and responses whose
// writer cannot be hijacked (a middleware's wrapper without Unwrap), are
// served by a goroutine each whatever this says.
func WithTakeover(on bool) Option {
	return func(c *config) { c.takeover = on }
}

// WithLogger sets the logger for diagnostics: connects and disconnects at
// Debug level, slow subscribers at Warn. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithOnConnect calls fn when a stream starts, before its response
// headers are sent. The subscriber is already registered: an event fn
// publishes reaches it too.
//
// The connect hooks run in the request's goroutine, the disconnect hook
// in a goroutine of its own; none runs with a lock of the Hub held: they
// may call Publish, Disconnect or Clients. A slow hook delays only its own
// stream.
func WithOnConnect(fn func(Subscriber)) Option {
	return func(c *config) { c.onConnect = fn }
}

// WithOnReconnect calls fn when a stream starts with a Last-Event-ID,
// after WithOnConnect's function; resumed is false when the id could not
// be resumed from (see WithReplay) and the client is sent a ResetEvent.
func WithOnReconnect(fn func(s Subscriber, resumed bool)) Option {
	return func(c *config) { c.onReconnect = fn }
}

// WithOnDisconnect calls fn when a stream ends, with the reason: ErrClientGone,
// ErrSlow, ErrKicked or ErrClosed (or sse.ErrNoFlush, for a response writer
// that cannot stream). The subscriber is no longer registered. During Close
// or Shutdown, a Publish from fn returns ErrClosed. Close and Shutdown
// wait for it to return.
func WithOnDisconnect(fn func(s Subscriber, reason error)) Option {
	return func(c *config) { c.onGone = fn }
}
