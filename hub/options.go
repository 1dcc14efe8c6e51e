package hub

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Hub; see New.
type Option func(*config)

// SlowPolicy says what happens to a subscriber whose queue is full when an
// event is published to it.
type SlowPolicy int

const (
	// Disconnect ends the slow subscriber's stream, with reason ErrSlow;
	// its client reconnects and, with a replay buffer, resumes. The default.
	Disconnect SlowPolicy = iota
	// DropOldest drops the oldest event in the subscriber's queue to make
	// room, and sends it a ResetEvent before the events that follow.
	DropOldest
)

// Subscriber describes a subscriber to the hooks.
type Subscriber struct {
	ID          string   // from WithSubscriberID
	Topics      []string // from WithTopics; none means every topic
	LastEventID string   // the Last-Event-ID it connected with, if any
	Request     *http.Request
}

type config struct {
	idFunc       func(*http.Request) string
	topicsFunc   func(*http.Request) []string
	replayMax    int
	replayAge    time.Duration
	autoIDs      bool
	heartbeat    time.Duration
	retry        time.Duration
	queue        int
	writeTimeout time.Duration
	slow         SlowPolicy
	log          *slog.Logger
	onConnect    func(Subscriber)
	onReconnect  func(s Subscriber, resumed bool)
	onGone       func(s Subscriber, reason error)
}

func defaults() config {
	return config{
		idFunc:       func(*http.Request) string { return "" },
		heartbeat:    15 * time.Second,
		queue:        64,
		writeTimeout: 10 * time.Second,
		log:          slog.New(slog.DiscardHandler),
	}
}

// WithSubscriberID derives each subscriber's ID from its request, for
// example from its authentication; events can then be sent To or Except
// IDs. Several streams (tabs, devices) may share an ID. By default every
// subscriber's ID is "".
func WithSubscriberID(fn func(*http.Request) string) Option {
	return func(c *config) { c.idFunc = fn }
}

// WithTopics derives the topics a subscriber wants from its request, for
// example from ?topic= parameters. A subscriber with no topics receives
// events of every topic.
func WithTopics(fn func(*http.Request) []string) Option {
	return func(c *config) { c.topicsFunc = fn }
}

// WithReplay keeps the last max events (and, if maxAge > 0, only those
// younger than maxAge) to resume clients that reconnect with Last-Event-ID.
// Only events with an ID can be resumed from; see WithAutoIDs.
func WithReplay(max int, maxAge time.Duration) Option {
	return func(c *config) { c.replayMax, c.replayAge = max, maxAge }
}

// WithAutoIDs gives every published event without an ID one: a prefix
// unique to this Hub followed by a sequence number, so that ids from before
// a restart are never mistaken for new ones.
func WithAutoIDs() Option {
	return func(c *config) { c.autoIDs = true }
}

// WithHeartbeat sets how long a stream may stay silent before the Hub
// sends it a comment (default 15s, as the spec suggests). Zero disables
// heartbeats.
func WithHeartbeat(d time.Duration) Option {
	return func(c *config) { c.heartbeat = d }
}

// WithRetry sends each new stream a retry field: how long its client should
// wait before reconnecting. By default none is sent.
func WithRetry(d time.Duration) Option {
	return func(c *config) { c.retry = d }
}

// WithQueue sets how many events may wait for one subscriber (default 64)
// and what happens when a subscriber's queue is full.
func WithQueue(size int, policy SlowPolicy) Option {
	return func(c *config) { c.queue, c.slow = max(size, 1), policy }
}

// WithWriteTimeout sets how long one write to a subscriber (an event, a
// batch of queued events or a heartbeat) may take before the subscriber is
// judged stalled and disconnected with reason ErrSlow (default 10s). It
// bounds how long a client that stopped reading, while its connection
// stays open, holds a stream. Zero means no limit, leaving only the queue
// to detect slow subscribers.
func WithWriteTimeout(d time.Duration) Option {
	return func(c *config) { c.writeTimeout = d }
}

// WithLogger sets the logger for diagnostics: connects and disconnects at
// Debug level, slow subscribers at Warn. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.log = l }
}

// WithOnConnect calls fn when a stream starts, before its response
// headers are sent. The subscriber is already registered: an event fn
// publishes reaches it too.
//
// Every hook runs in the goroutine serving the stream, without any lock of
// the Hub held: it may call Publish, Disconnect or Clients. A slow hook
// delays only its own stream.
func WithOnConnect(fn func(Subscriber)) Option {
	return func(c *config) { c.onConnect = fn }
}

// WithOnReconnect calls fn when a stream starts with a Last-Event-ID,
// after WithOnConnect's function; resumed is false when the id was not in
// the replay buffer and the client was sent a ResetEvent.
func WithOnReconnect(fn func(s Subscriber, resumed bool)) Option {
	return func(c *config) { c.onReconnect = fn }
}

// WithOnDisconnect calls fn when a stream ends, with the reason: ErrClientGone,
// ErrSlow, ErrKicked or ErrClosed (or sse.ErrNoFlush, for a response writer
// that cannot stream). The subscriber is no longer registered. During Close
// or Shutdown, a Publish from fn returns ErrClosed.
func WithOnDisconnect(fn func(s Subscriber, reason error)) Option {
	return func(c *config) { c.onGone = fn }
}
