package sse

import (
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults of a [Client]'s options.
const (
	// DefaultRetry is the reconnection time a Client starts with, before the
	// server sets one with a "retry" field: 3 seconds, as in browsers. Change
	// it with [WithRetry].
	DefaultRetry = 3 * time.Second

	// DefaultMaxBackoff is the longest a Client waits between two connection
	// attempts after repeated failures, unless the server's reconnection time
	// or a Retry-After header is longer. Change it with [WithBackoff].
	DefaultMaxBackoff = 30 * time.Second

	// DefaultMinDelay is the shortest a Client ever waits between two
	// connection attempts, whatever the reconnection time: a server that
	// sends "retry: 0" and closes each stream at once gets at most two
	// attempts a second, fewer as the backoff grows. Change it with
	// [WithMinDelay]. Firefox's EventSource has the same floor.
	DefaultMinDelay = 500 * time.Millisecond

	// DefaultMaxRetry is the longest reconnection time a server can set,
	// with a "retry" field or a Retry-After header: a larger value is taken
	// as this one, so that a stream cannot park its client for years.
	// Change it with [WithMaxRetry].
	DefaultMaxRetry = 5 * time.Minute

	// DefaultHealthyAfter is how long a connection must stay open, after
	// delivering an event, to count as healthy: a connection that ends
	// sooner counts as a failed attempt for the backoff, [WithMaxAttempts]
	// and [WithMaxElapsed]. Change it with [WithHealthyAfter].
	DefaultHealthyAfter = 5 * time.Second

	// maxRedirects is how many redirects the default HTTP client follows
	// before treating the request as a network error, as Fetch does.
	maxRedirects = 20

	// stableAfter is how long a connection that delivers no event must stay
	// open to count as healthy (or the healthy time, if that is longer).
	stableAfter = 30 * time.Second

	// backoffFloor is where the backoff grows from when the reconnection
	// time is shorter, so that a server asking for "retry: 0" is not
	// hammered when it fails.
	backoffFloor = time.Second

	// errorBodyTimeout bounds the time spent reading the start of an
	// unexpected response's body for a ResponseError.
	errorBodyTimeout = time.Second
)

// An Option configures a [Client]; pass options to [Dial] or [DialURL].
type Option func(*config)

// config holds a Client's settings.
type config struct {
	hc           *http.Client
	ownTransport *http.Transport // the default client's transport, closed with the Client
	lastID       string
	lastIDSet    bool
	retry        time.Duration
	minDelay     time.Duration
	maxRetry     time.Duration
	healthyAfter time.Duration
	maxBackoff   time.Duration
	maxAttempts  int
	maxElapsed   time.Duration
	idleTimeout  time.Duration
	retryStatus  bool
	reconnect    int // > 0: reconnect (WithReconnect); < 0: one shot (WithOneShot); 0: by method
	maxSize      int

	redirectHeaders map[string]bool // canonical names kept on a redirect to another origin

	onConnect    func(*http.Response)
	onDisconnect func(error)
	onRetry      func(attempt int, delay time.Duration)
	onComment    func([]byte)
	onWarning    func(error)

	jitter func(n int64) int64 // returns a number in [0, n)
}

func newConfig(opts []Option) *config {
	c := &config{
		retry:        DefaultRetry,
		minDelay:     DefaultMinDelay,
		maxRetry:     DefaultMaxRetry,
		healthyAfter: DefaultHealthyAfter,
		maxBackoff:   DefaultMaxBackoff,
		jitter:       rand.Int64N,
	}
	for _, opt := range opts {
		opt(c)
	}
	if c.hc == nil {
		c.hc, c.ownTransport = newDefaultHTTPClient()
	}
	return c
}

// newDefaultHTTPClient returns the HTTP client a Client uses unless
// [WithHTTPClient] gives one. It has no overall Timeout, which would cut off
// a healthy stream; instead connecting, the TLS handshake and waiting for the
// response headers are bounded. It follows up to 20 redirects, as Fetch does.
// Its transport belongs to the Client, which closes its idle connections
// when it is closed.
func newDefaultHTTPClient() (*http.Client, *http.Transport) {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	hc := &http.Client{Transport: tr, CheckRedirect: checkRedirect}
	return hc, tr
}

// checkRedirect follows up to maxRedirects redirects.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return errors.New("sse: stopped after 20 redirects")
	}
	return nil
}

// WithHTTPClient makes the Client send its requests with hc instead of its
// default client. The default has no overall Timeout (which would cut
// streams off) but bounds dialing (30 s), TLS handshakes (10 s) and the wait
// for response headers (30 s), and follows up to 20 redirects; a client
// given here should do likewise. Requests are made with a copy of hc that
// shares its Transport and Jar, so they apply to every attempt: with a Jar,
// cookies set by one response are sent on reconnection, to the domains they
// belong to. The copy's CheckRedirect first removes headers on a redirect to
// another origin (see [Dial]), then calls hc.CheckRedirect (or, when it is
// nil, net/http's default policy), which may add headers back. The Client
// does not close hc's idle connections.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// WithLastEventID sets the last event ID the Client starts with, to resume a
// stream from an ID kept elsewhere: it is sent as the Last-Event-ID header
// from the first request on, until the stream changes it. By default the
// first request has no Last-Event-ID, and a Last-Event-ID header set on the
// request given to [Dial] is used as this initial value.
func WithLastEventID(id string) Option {
	return func(c *config) { c.lastID, c.lastIDSet = id, true }
}

// WithRetry sets the reconnection time the Client starts with: how long it
// waits before reconnecting until the server sets another with a "retry"
// field. The default is [DefaultRetry], 3 seconds. A negative d counts as 0.
// Whatever the reconnection time, the Client never waits less than the
// floor set by [WithMinDelay] between two attempts.
func WithRetry(d time.Duration) Option {
	return func(c *config) { c.retry = max(d, 0) }
}

// WithBackoff sets the longest wait between connection attempts after
// repeated failures; the default is [DefaultMaxBackoff], 30 seconds.
//
// A Client waits the reconnection time (the server's "retry", at most
// [WithMaxRetry]'s value, else the value of [WithRetry]; never less than
// [WithMinDelay]'s floor) before reconnecting. When attempts keep failing,
// the wait grows: after n failed attempts in a row it is drawn uniformly
// from [retry, min(maxDelay, b×2ⁿ)], where retry is that reconnection time
// and b the larger of it and 1 second ("full jitter" above the reconnection
// time). So it is never shorter than the reconnection time and, unless that
// time is longer, never longer than maxDelay.
//
// An attempt fails when it cannot connect, and when its connection ends
// soon after it opened: before the healthy time (see [WithHealthyAfter],
// 5 seconds by default) if it delivered an event, before 30 seconds (or
// the healthy time if longer) if it delivered none. A connection that stays
// open that long is healthy and resets the count. So a server that closes
// every stream at once, even after an event, meets the same growing waits
// and limits as one that refuses connections. WithBackoff(0) turns the
// growth off: every wait is the reconnection time.
func WithBackoff(maxDelay time.Duration) Option {
	return func(c *config) { c.maxBackoff = maxDelay }
}

// WithMaxAttempts makes the Client give up after n failed connection
// attempts in a row (see [WithBackoff] for what counts as failed); 0, the
// default, means no limit. The first attempt, made by [Dial], counts. The
// error then returned wraps [ErrGaveUp] and the cause of the last failure.
func WithMaxAttempts(n int) Option {
	return func(c *config) { c.maxAttempts = max(n, 0) }
}

// WithMaxElapsed makes the Client give up when it has failed to get a
// healthy connection for d: it does not start a wait that would end more
// than d after the last healthy connection ended (or after [Dial] was
// called). 0, the default, means no limit. The error then returned wraps
// [ErrGaveUp] and the cause of the last failure.
func WithMaxElapsed(d time.Duration) Option {
	return func(c *config) { c.maxElapsed = max(d, 0) }
}

// WithMinDelay sets the floor of every wait between two connection attempts;
// the default is [DefaultMinDelay], 500 milliseconds. The reconnection time
// a server sets ("retry: 0", say) and the one set by [WithRetry] are raised
// to it, so a stream that ends at once cannot make the Client reconnect in a
// tight loop. 0 removes the floor; a negative d counts as 0.
func WithMinDelay(d time.Duration) Option {
	return func(c *config) { c.minDelay = max(d, 0) }
}

// WithMaxRetry caps the reconnection time a server can ask for, with a
// "retry" field or (with [WithRetryStatus]) a Retry-After header; the
// default is [DefaultMaxRetry], 5 minutes. A larger value is taken as d:
// without a cap, a valid "retry: 9223372036854" would park the Client for
// 292 years. d does not limit the time set by [WithRetry], which is the
// caller's own. With 0, the server cannot make the Client wait longer than
// the floor set by [WithMinDelay]; a negative d counts as 0.
func WithMaxRetry(d time.Duration) Option {
	return func(c *config) { c.maxRetry = max(d, 0) }
}

// WithHealthyAfter sets how long a connection that delivered an event must
// stay open to count as healthy; the default is [DefaultHealthyAfter], 5
// seconds. A connection that ends sooner counts as a failed attempt for the
// backoff (see [WithBackoff]), [WithMaxAttempts] and [WithMaxElapsed]. With
// 0, a connection is healthy as soon as it delivers an event. A negative d
// counts as 0.
func WithHealthyAfter(d time.Duration) Option {
	return func(c *config) { c.healthyAfter = max(d, 0) }
}

// WithIdleTimeout makes the Client treat a connection as broken when nothing
// at all (no event, comment or even part of a line) arrives on it for d,
// counting from the moment the request is sent: it then closes the
// connection and reconnects, as after a network error, reporting
// [ErrIdleTimeout] to [WithOnDisconnect]. Servers usually send a comment
// every 15 seconds or so to keep a stream alive, so d should be well above
// that. 0, the default, means no idle timeout.
func WithIdleTimeout(d time.Duration) Option {
	return func(c *config) { c.idleTimeout = max(d, 0) }
}

// WithRetryStatus makes the Client reconnect after a 429 Too Many Requests
// or 5xx response, instead of failing as EventSource does. The wait is then
// at least what the response's Retry-After header asks for (in seconds or as
// an HTTP date, capped by [WithMaxRetry]), and such attempts count as failed
// for [WithBackoff], [WithMaxAttempts] and [WithMaxElapsed].
func WithRetryStatus() Option {
	return func(c *config) { c.retryStatus = true }
}

// WithOneShot makes the stream a single response, as the streaming APIs of
// language models send it: once a connection has opened, its end is the end
// of the Client. A clean end of the body ends the stream normally (Next
// returns false, Err returns nil) instead of reconnecting, and a broken
// connection is returned by Err instead of being retried, since reconnecting
// would make the server start over. Attempts that fail before a stream
// opens are still retried as usual, and [Client.Reconnect] still
// reconnects.
//
// A request whose method is not GET is one-shot without this option, since
// sending it again may repeat its effect (a new, billed generation, say);
// [WithReconnect] makes it reconnect. Of WithOneShot and WithReconnect, the
// later option wins.
func WithOneShot() Option {
	return func(c *config) { c.reconnect = -1 }
}

// WithReconnect makes a request whose method is not GET (a POST, say)
// reconnect as a GET does, instead of being one-shot (see [WithOneShot]):
// each reconnection sends the request again, its body replayed through the
// request's GetBody, with Last-Event-ID. Use it only when sending the
// request again is safe, as when the server resumes the stream from the
// Last-Event-ID. A GET reconnects without it.
func WithReconnect() Option {
	return func(c *config) { c.reconnect = 1 }
}

// WithRedirectHeaders names headers of the request given to [Dial] that the
// Client keeps on a redirect to another origin, where by default it removes
// every header the caller set (see Dial). Names are case-insensitive. For
// example, WithRedirectHeaders("X-Api-Key") sends an API key to the host a
// redirect leads to. Several calls add up.
func WithRedirectHeaders(names ...string) Option {
	return func(c *config) {
		if c.redirectHeaders == nil {
			c.redirectHeaders = make(map[string]bool, len(names))
		}
		for _, name := range names {
			c.redirectHeaders[http.CanonicalHeaderKey(name)] = true
		}
	}
}

// WithMaxSize sets the longest line, and the largest data of one event, that
// the Client accepts, in bytes; the default is [DefaultMaxSize]. A longer one
// stops the Client with an error wrapping [ErrTooLong].
func WithMaxSize(n int) Option {
	return func(c *config) { c.maxSize = n }
}

// WithOnConnect sets a function called each time a connection opens: a 200
// text/event-stream response arrived, including on reconnection (the
// EventSource "open" event). resp is the response, with its Body replaced by
// http.NoBody.
//
// Like all hooks it is called synchronously, from the goroutine that calls
// [Dial] (for the first connection) or [Client.Next], so it must not block
// for long. It may call [Client.Close]; while Dial runs there is no Client
// yet, and cancelling the request's context stops Dial instead.
func WithOnConnect(fn func(resp *http.Response)) Option {
	return func(c *config) { c.onConnect = fn }
}

// WithOnDisconnect sets a function called when a connection attempt fails or
// an open stream ends in a way the Client recovers from by reconnecting
// (network error, end of the body, idle timeout, retryable status): the
// EventSource "error" event. err is the cause; a clean end of the body is
// reported as an error wrapping io.EOF. A limit such as [WithMaxAttempts]
// may then make the Client give up instead of reconnecting. Failures that
// end the stream (see [Client.Err]) are not reported here. The function is
// called synchronously, like [WithOnConnect]'s, and may call [Client.Close].
func WithOnDisconnect(fn func(err error)) Option {
	return func(c *config) { c.onDisconnect = fn }
}

// WithOnRetry sets a function called before each wait for a reconnection,
// with the number of the attempt about to be made (counting from 1 since the
// last healthy connection; the first connection is attempt 1) and the time
// the Client will wait. It is called synchronously, like [WithOnConnect]'s,
// and may call [Client.Close], which ends the wait.
func WithOnRetry(fn func(attempt int, delay time.Duration)) Option {
	return func(c *config) { c.onRetry = fn }
}

// WithOnComment sets a function called with the text of each comment line,
// as [Scanner.OnComment] describes; servers often send comments as
// heartbeats. The slice is valid only during the call.
func WithOnComment(fn func(comment []byte)) Option {
	return func(c *config) { c.onComment = fn }
}

// WithOnWarning sets a function called with problems the Client works around
// without stopping. Today there is one: a last event ID that cannot be sent
// as an HTTP header value (it contains a control character other than tab;
// the event stream format allows that, HTTP does not). The Client then
// reconnects without a Last-Event-ID header, as if the ID were empty, and
// reports an error wrapping [ErrInvalidLastEventID]. Without this option,
// warnings are logged with [slog.Default] at level Warn. The function is
// called synchronously, like [WithOnConnect]'s.
func WithOnWarning(fn func(err error)) Option {
	return func(c *config) { c.onWarning = fn }
}

// oneShot reports whether the stream of a request with method is one-shot:
// as the later of WithOneShot and WithReconnect says, else unless the
// method is GET ("" is GET in net/http).
func (c *config) oneShot(method string) bool {
	if c.reconnect != 0 {
		return c.reconnect < 0
	}
	return method != "" && method != http.MethodGet
}

// warn reports a warning.
func (c *config) warn(err error) {
	if c.onWarning != nil {
		c.onWarning(err)
		return
	}
	slog.Warn(err.Error())
}

// backoff returns how long to wait before the next attempt after failures
// failed attempts in a row, given the reconnection time base: base when
// failures is 0 or the growth is off, else a uniformly drawn duration in
// [base, min(maxBackoff, max(base, backoffFloor)×2^failures)], and never
// less than base.
func (c *config) backoff(base time.Duration, failures int) time.Duration {
	if failures <= 0 || c.maxBackoff <= base {
		return base
	}
	ceiling := max(base, backoffFloor)
	for range failures {
		if ceiling >= c.maxBackoff/2 {
			ceiling = c.maxBackoff
			break
		}
		ceiling *= 2
	}
	ceiling = min(ceiling, c.maxBackoff)
	if ceiling <= base {
		return base
	}
	return base + time.Duration(c.jitter(int64(ceiling-base)+1))
}

// retryAfter parses a Retry-After header value: a number of seconds or an
// HTTP date. It returns the time to wait and whether the value was valid.
func retryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(value, 10, 64); err == nil {
		const maxSecs = uint64(1<<63-1) / uint64(time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	t, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
