package sse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Client reads a server-sent event stream over HTTP and reconnects as a
// browser's EventSource does (WHATWG HTML §9.2). It is made by [Dial] or
// [DialURL] and read like a [Scanner]: successive calls to [Client.Next]
// step through the events, across reconnections, and the accessors describe
// the current event.
//
// Each connection attempt sends the request given to Dial again, to the
// original URL even when an earlier response was redirected, with Accept:
// text/event-stream, Cache-Control: no-cache and Pragma: no-cache (unless the
// request sets them) and, when the last event ID is not empty, Last-Event-ID.
// A request body is sent again through the request's GetBody. A request
// whose method is not GET is not sent again once its stream has opened,
// unless [WithReconnect] allows it (see [WithOneShot]).
//
// A response opens the stream when its status is 200 and its Content-Type is
// text/event-stream (parameters such as charset are ignored; the stream is
// always UTF-8). Then:
//
//   - The end of the body, a network error, an idle timeout (see
//     [WithIdleTimeout]) or a call to [Client.Reconnect] makes the Client
//     reconnect: it reports the cause to [WithOnDisconnect], waits the
//     reconnection time (see [WithRetry] and [WithBackoff]; the server
//     changes it with a "retry" field, up to [WithMaxRetry]'s cap) and tries
//     again. A partly received event is discarded; the last event ID and the
//     reconnection time carry over to the new connection. The wait is never
//     shorter than [WithMinDelay]'s floor, and a connection that ends soon
//     after it opened counts as a failed attempt (see [WithBackoff]), so a
//     server that closes every stream at once cannot drive the Client into
//     a loop of reconnections.
//   - A 204 No Content response ends the stream normally: Next returns false
//     and Err returns nil. This is how a server tells clients to stop.
//   - Any other status, or a 200 response that is not text/event-stream,
//     ends the stream with a [*ResponseError], without reconnecting
//     (see [WithRetryStatus] to retry 429 and 5xx responses).
//
// The Client stops when [Client.Close] is called or the request's context is
// cancelled, whatever it is doing (waiting for a response, reading, or
// waiting to reconnect); no goroutine of its own outlives it.
//
// Only Close and Reconnect may be called concurrently with the other
// methods; hooks set by options run synchronously in the goroutine that
// calls Next (or Dial).
type Client struct {
	cfg     *config
	hc      *http.Client  // cfg.hc with the Client's redirect policy
	req     *http.Request // every attempt is a clone of it
	oneShot bool          // the end of an open stream is the end of the Client
	ctx     context.Context
	cancel  context.CancelCauseFunc
	s       *Scanner

	closed    atomic.Bool
	closeOnce sync.Once
	mu        sync.Mutex  // guards open, which Close and Reconnect use
	open      *connection // the open connection, for Close and Reconnect

	conn        *connection   // the open connection, nil when none
	attempts    int           // requests made so far
	failures    int           // failed attempts in a row since the last healthy connection
	streakStart time.Time     // when the current run of failures began
	cause       error         // why the last attempt or connection failed
	retryAfter  time.Duration // the wait a Retry-After header asked for, for the next wait only
	done        bool
	err         error
}

// connection is the state of one connection attempt and, once it opens, of
// its stream.
type connection struct {
	cancel    context.CancelFunc // cancels the attempt's context
	body      io.ReadCloser
	idle      *time.Timer // fires after the idle timeout, nil without one
	idleFired atomic.Bool
	opened    time.Time
	delivered bool        // an event of this connection was returned by Next
	forced    atomic.Bool // Reconnect dropped the connection
}

// errClosed is the cause given to the Client's context by Close.
var errClosed = errors.New("sse: client closed")

// Dial connects to the event stream that req asks for and returns a Client
// reading it. The request may use any method and carry a body and headers;
// req.Context() governs the whole stream: cancelling it stops Dial and,
// later, the Client. A request whose method is not GET is one-shot unless
// [WithReconnect] is given: the end of its stream is the end of the Client
// (see [WithOneShot]).
//
// Redirects are followed (up to 20 with the default HTTP client). On a
// redirect to another origin (another scheme, host or port than the
// request's URL; once a redirect has left the origin, every later hop
// counts as another origin), the Client removes every header of the request
// but Accept, Cache-Control, Pragma and Last-Event-ID (which an EventSource
// sends wherever a redirect leads, as Fetch does) and Content-Type and
// Content-Encoding (which describe a body that a 307 or 308 redirect sends
// again). So Authorization, Proxy-Authorization, Cookie, API keys in custom
// headers such as X-Api-Key, and the Referer net/http adds never reach
// another origin, unless [WithRedirectHeaders] names them. A redirect within
// the origin keeps every header. Cookies from a [net/http.CookieJar] (see
// [WithHTTPClient]) are still sent to the domains they belong to.
//
// Dial makes the first connection itself, before returning, so a response
// that ends the stream (a 401, 404 or wrong content type, say) is returned
// here as a [*ResponseError]. Attempts that fail in a way the Client
// recovers from (network errors, and statuses made retryable by
// [WithRetryStatus]) are retried by Dial, with the same waits and limits as
// later reconnections: bound them with [WithMaxAttempts], [WithMaxElapsed]
// or the context. A 204 No Content response returns a Client whose stream
// has already ended normally (Next returns false, Err nil).
//
// The caller must call [Client.Close] when done with the Client.
func Dial(req *http.Request, opts ...Option) (*Client, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("sse: Dial: nil request or URL")
	}
	cfg := newConfig(opts)
	ctx, cancel := context.WithCancelCause(req.Context())
	c := &Client{
		cfg:         cfg,
		hc:          withRedirectPolicy(cfg.hc, cfg.redirectHeaders),
		req:         req,
		oneShot:     cfg.oneShot(req.Method),
		ctx:         ctx,
		cancel:      cancel,
		s:           NewScanner(nil),
		streakStart: time.Now(),
	}
	if cfg.maxSize > 0 {
		c.s.Buffer(nil, cfg.maxSize)
	}
	c.s.OnComment(cfg.onComment)
	id, _ := lastEventIDHeader(req.Header)
	if cfg.lastIDSet {
		id = cfg.lastID
	}
	if id != "" {
		c.s.SetLastEventID(id)
	}

	switch c.attempt() {
	case opened:
	case failed:
		c.reconnect()
	}
	if c.err != nil {
		err := c.err
		c.Close()
		return nil, err
	}
	return c, nil
}

// DialURL is [Dial] for a GET request to url made with ctx.
func DialURL(ctx context.Context, url string, opts ...Option) (*Client, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return Dial(req, opts...)
}

// Next advances to the next event, reconnecting as needed, and reports
// whether there is one. It returns false when the stream has ended, and then
// [Client.Err] tells why: nil when the server ended the stream (204 No
// Content, or the end of the body of a one-shot request: see [WithOneShot])
// or Close was called, otherwise the error that ended it. Next blocks while
// it waits for events and for reconnections. Events parsed but not yet
// returned when Close is called are not returned.
func (c *Client) Next() bool {
	for !c.done {
		if c.stopped() {
			break
		}
		if c.conn == nil {
			if !c.reconnect() {
				break
			}
			continue
		}
		if c.s.Next() {
			if c.stopped() {
				break
			}
			c.conn.delivered = true
			return true
		}
		c.disconnected()
	}
	return false
}

// Err returns the error that ended the stream, or nil if it ended normally:
// by Close, a 204 No Content response, or the end of the body of a one-shot
// request (a request that is not a GET, or see [WithOneShot]). Errors are a
// [*ResponseError], an error wrapping [ErrGaveUp], [ErrNotReplayable] or
// [ErrTooLong], the broken connection of a one-shot request, or the cause of
// the context's cancellation.
func (c *Client) Err() error {
	return c.err
}

// Type returns the current event's type; see [Scanner.Type].
func (c *Client) Type() []byte { return c.s.Type() }

// ID returns the last event ID in effect for the current event; see
// [Scanner.ID].
func (c *Client) ID() []byte { return c.s.ID() }

// Data returns the current event's data; see [Scanner.Data].
func (c *Client) Data() []byte { return c.s.Data() }

// Decode copies the current event into dst; see [Scanner.Decode].
func (c *Client) Decode(dst EventSetter) error { return c.s.Decode(dst) }

// DecodeJSON unmarshals the current event's data into v; see
// [Scanner.DecodeJSON].
func (c *Client) DecodeJSON(v any) error { return c.s.DecodeJSON(v) }

// Views returns an iterator over the stream's events as zero-copy [View]s,
// for use in a range loop; it survives reconnections like Next and allocates
// nothing per event. The slices of a View are valid only until the next
// iteration. Errors, breaking out and resuming work as for [Client.Events].
func (c *Client) Views() iter.Seq2[View, error] {
	return func(yield func(View, error) bool) {
		for c.Next() {
			if !yield(View{Type: c.Type(), ID: c.ID(), Data: c.Data()}, nil) {
				return
			}
		}
		if c.err != nil {
			yield(View{}, c.err)
		}
	}
}

// LastEventID returns the last event ID string, which the Client sends as
// Last-Event-ID when it reconnects. It persists across reconnections.
func (c *Client) LastEventID() string { return c.s.LastEventID() }

// Retry returns the reconnection time and whether the server set it with a
// "retry" field; when it did not, the time is the one set by [WithRetry].
// A retry field persists across reconnections; its value is capped by
// [WithMaxRetry] (5 minutes by default). The Client never waits less than
// [WithMinDelay]'s floor, whatever this time.
func (c *Client) Retry() (time.Duration, bool) {
	if d, ok := c.s.Retry(); ok {
		return min(d, c.cfg.maxRetry), true
	}
	return c.cfg.retry, false
}

// Reconnect drops the open connection and reconnects by the usual rules:
// complete events the Client had already read from the connection are
// still returned (the rest of its data is not), the cause reported to
// [WithOnDisconnect] is [ErrForcedReconnect], and the Client waits the
// reconnection time (see [WithBackoff]) before it sends the request again
// with Last-Event-ID. A forced reconnection is not a failed attempt, and
// it happens even with [WithOneShot]. Reconnect does nothing while no
// connection is open (the Client is connecting or waiting to), after the
// stream has ended, or after Close. It may be called from any goroutine,
// including hooks, and does not wait for the new connection.
func (c *Client) Reconnect() {
	c.mu.Lock()
	conn := c.open
	c.mu.Unlock()
	if conn == nil || c.closed.Load() {
		return
	}
	conn.forced.Store(true)
	conn.body.Close()
}

// Events returns an iterator over the stream's events, for use in a range
// loop; it survives reconnections like Next. When the stream ends with an
// error, the last pair holds it. Breaking out of the loop leaves the Client
// open: a later loop or Next continues with the next event.
func (c *Client) Events() iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		var e Event
		for c.Next() {
			if err := c.Decode(&e); err != nil {
				yield(Event{}, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
		if c.err != nil {
			yield(Event{}, c.err)
		}
	}
}

// Close stops the Client: it aborts the request in flight or the wait for a
// reconnection, closes the connection, and releases the default HTTP
// client's idle connections. Next then returns false and Err nil. Close may
// be called at any time, from any goroutine (including hooks and while Next
// blocks), and more than once; it always returns nil.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		c.cancel(errClosed)
		c.mu.Lock()
		conn := c.open
		c.mu.Unlock()
		if conn != nil {
			conn.body.Close()
		}
		c.closeIdle()
	})
	return nil
}

// closeIdle closes the idle connections of the Client's own transport.
func (c *Client) closeIdle() {
	if c.cfg.ownTransport != nil {
		c.cfg.ownTransport.CloseIdleConnections()
	}
}

// stopped reports whether Close was called or the context is done; if so,
// it ends the stream.
func (c *Client) stopped() bool {
	if c.closed.Load() {
		c.end(nil)
		return true
	}
	select {
	case <-c.ctx.Done():
		if c.closed.Load() {
			c.end(nil)
		} else {
			c.end(context.Cause(c.ctx))
		}
		return true
	default:
		return false
	}
}

// end ends the stream with err (nil for a normal end), closing the open
// connection if any.
func (c *Client) end(err error) {
	if c.conn != nil {
		c.dropConn()
	}
	if !c.done {
		c.done, c.err = true, err
	}
	c.closeIdle()
}

// dropConn closes the open connection.
func (c *Client) dropConn() {
	conn := c.conn
	c.conn = nil
	c.mu.Lock()
	c.open = nil
	c.mu.Unlock()
	conn.body.Close()
	conn.release()
}

// outcome is the result of one connection attempt.
type outcome int

const (
	opened outcome = iota // the stream is open
	failed                // retryable failure: c.cause says why
	ended                 // the stream ended: c.done is set
)

// attempt makes one request and handles its response.
func (c *Client) attempt() outcome {
	ctx, cancel := context.WithCancel(c.ctx)
	conn := &connection{cancel: cancel}
	req, err := c.newRequest(ctx)
	if err != nil {
		cancel()
		c.end(err)
		return ended
	}
	if d := c.cfg.idleTimeout; d > 0 {
		conn.idle = time.AfterFunc(d, conn.expire)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		conn.release()
		if c.stopped() {
			return ended
		}
		if conn.idleFired.Load() {
			err = c.idleError()
		}
		return c.failure(err)
	}

	ct := resp.Header.Get("Content-Type")
	switch {
	case resp.StatusCode == http.StatusNoContent:
		resp.Body.Close()
		conn.release()
		c.end(nil)
		return ended
	case resp.StatusCode != http.StatusOK || !isEventStream(ct):
		rerr := &ResponseError{StatusCode: resp.StatusCode, Status: resp.Status, ContentType: ct}
		rerr.Body = readErrorBody(resp.Body, conn.cancel)
		resp.Body.Close()
		conn.release()
		if c.stopped() {
			return ended
		}
		if c.cfg.retryStatus && retryableStatus(resp.StatusCode) {
			if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				c.retryAfter = min(d, c.cfg.maxRetry)
			}
			return c.failure(rerr)
		}
		c.end(rerr)
		return ended
	}

	conn.body, conn.opened = resp.Body, time.Now()
	c.mu.Lock()
	c.open = conn
	c.mu.Unlock()
	c.conn = conn
	var r io.Reader = resp.Body
	if conn.idle != nil {
		r = &idleReader{r: resp.Body, conn: conn, d: c.cfg.idleTimeout}
	}
	c.s.Reset(r)
	if c.closed.Load() { // Close ran before c.open was set
		c.stopped()
		return ended
	}
	if c.cfg.onConnect != nil {
		info := *resp
		info.Body = http.NoBody
		c.cfg.onConnect(&info)
	}
	return opened
}

// failure records a failed attempt and reports it.
func (c *Client) failure(err error) outcome {
	c.failures++
	c.lost(err)
	return failed
}

// lost records why the connection ended, for the next attempt's error
// and the disconnect hook, and calls the hook.
func (c *Client) lost(cause error) {
	c.cause = cause
	if c.cfg.onDisconnect != nil {
		c.cfg.onDisconnect(cause)
	}
}

// healthyEnd starts a new failure streak: the connection that ended was
// healthy, so backoff and the attempt limits count from here.
func (c *Client) healthyEnd() {
	c.failures = 0
	c.streakStart = time.Now()
}

// newRequest returns the request for the next attempt.
func (c *Client) newRequest(ctx context.Context) (*http.Request, error) {
	req := c.req.Clone(ctx)
	if c.attempts > 0 && hasBody(c.req) {
		if c.req.GetBody == nil {
			return nil, fmt.Errorf("%w (reconnecting after: %w)", ErrNotReplayable, c.cause)
		}
		body, err := c.req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("sse: replaying request body: %w", err)
		}
		req.Body = body
	}
	c.attempts++
	h := req.Header
	if h == nil {
		h = make(http.Header)
		req.Header = h
	}
	for name, value := range map[string]string{
		"Accept":        "text/event-stream",
		"Cache-Control": "no-cache",
		"Pragma":        "no-cache",
	} {
		if _, ok := h[name]; !ok {
			h.Set(name, value)
		}
	}
	_, key := lastEventIDHeader(h)
	for key != "" {
		delete(h, key)
		_, key = lastEventIDHeader(h)
	}
	if id := c.s.LastEventID(); id != "" {
		if validHeaderValue(id) {
			h.Set("Last-Event-ID", id)
		} else {
			c.cfg.warn(fmt.Errorf("%w: %q; connecting without Last-Event-ID", ErrInvalidLastEventID, id))
		}
	}
	return req, nil
}

// lastEventIDHeader returns the value and key of the Last-Event-ID header,
// whatever the case of its key.
func lastEventIDHeader(h http.Header) (value, key string) {
	if v, ok := h["Last-Event-Id"]; ok && len(v) > 0 {
		return v[0], "Last-Event-Id"
	}
	for k, v := range h {
		if strings.EqualFold(k, "Last-Event-ID") {
			if len(v) > 0 {
				return v[0], k
			}
			return "", k
		}
	}
	return "", ""
}

// hasBody reports whether req has a body to send.
func hasBody(req *http.Request) bool {
	return req.Body != nil && req.Body != http.NoBody
}

// retryableStatus reports whether WithRetryStatus makes status retryable.
func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || (status >= 500 && status <= 599)
}

// readErrorBody returns the start of an unexpected response's body, giving
// up after errorBodyTimeout (by cancelling the attempt) so that a server
// that keeps the body open cannot stall the Client.
func readErrorBody(body io.Reader, cancel context.CancelFunc) []byte {
	t := time.AfterFunc(errorBodyTimeout, cancel)
	defer t.Stop()
	b, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
	if len(b) == 0 {
		return nil
	}
	return b
}

// disconnected handles the end of the open connection: it decides between
// ending the stream and reconnecting.
func (c *Client) disconnected() {
	conn := c.conn
	serr := c.s.Err()
	c.dropConn()
	if c.stopped() {
		return
	}
	lived := time.Since(conn.opened)
	healthy := lived >= max(stableAfter, c.cfg.healthyAfter) ||
		(conn.delivered && lived >= c.cfg.healthyAfter)
	var cause error
	switch {
	case errors.Is(serr, ErrTooLong):
		c.end(serr)
		return
	case conn.forced.Load():
		// Asked for: not a failure, whatever the connection's length.
		if healthy {
			c.healthyEnd()
		}
		c.lost(ErrForcedReconnect)
		return
	case conn.idleFired.Load():
		cause = c.idleError()
	case serr == nil:
		if c.oneShot {
			c.end(nil)
			return
		}
		cause = errEOF
	default:
		cause = serr
	}
	if c.oneShot {
		c.end(fmt.Errorf("sse: stream broken: %w", cause))
		return
	}
	if healthy {
		c.healthyEnd()
		c.lost(cause)
		return
	}
	c.failure(cause)
}

// idleError is the cause reported for an idle timeout.
func (c *Client) idleError() error {
	return fmt.Errorf("%w: nothing received for %v", ErrIdleTimeout, c.cfg.idleTimeout)
}

// reconnect waits and makes connection attempts until a stream opens, in
// which case it reports true, or the stream ends.
func (c *Client) reconnect() bool {
	for {
		if c.attempts > 0 && hasBody(c.req) && c.req.GetBody == nil {
			c.end(fmt.Errorf("%w (reconnecting after: %w)", ErrNotReplayable, c.cause))
			return false
		}
		base, _ := c.Retry()
		base = max(base, c.cfg.minDelay)
		delay := max(c.cfg.backoff(base, c.failures), c.retryAfter)
		c.retryAfter = 0
		if n := c.cfg.maxAttempts; n > 0 && c.failures >= n {
			c.end(fmt.Errorf("%w after %d failed attempts: %w", ErrGaveUp, c.failures, c.cause))
			return false
		}
		if d := c.cfg.maxElapsed; d > 0 && time.Since(c.streakStart)+delay > d {
			c.end(fmt.Errorf("%w after failing for %v: %w", ErrGaveUp, d, c.cause))
			return false
		}
		if c.cfg.onRetry != nil {
			c.cfg.onRetry(c.failures+1, delay)
		}
		if !c.sleep(delay) {
			c.stopped()
			return false
		}
		switch c.attempt() {
		case opened:
			return true
		case ended:
			return false
		}
	}
}

// sleep waits for d and reports whether the Client is still running.
func (c *Client) sleep(d time.Duration) bool {
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-c.ctx.Done():
			return false
		}
	}
	return !c.stopped()
}

// expire is called by the idle timer: it breaks the connection.
func (conn *connection) expire() {
	conn.idleFired.Store(true)
	conn.cancel()
}

// release stops the idle timer and cancels the attempt's context.
func (conn *connection) release() {
	if conn.idle != nil {
		conn.idle.Stop()
	}
	conn.cancel()
}

// idleReader restarts the connection's idle timer whenever bytes arrive.
type idleReader struct {
	r    io.Reader
	conn *connection
	d    time.Duration
}

// Read reads from the body and restarts the idle timer when bytes arrived.
func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 && !r.conn.idleFired.Load() {
		r.conn.idle.Reset(r.d)
	}
	return n, err
}
