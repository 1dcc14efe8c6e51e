package redis

import (
	"context"
	"fmt"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/fastsse/sse/hub"
)

// Log is a hub.Log on a Redis Stream, shared by every instance that uses
// the same Redis and hub name (WithName): give each instance's Hub one
// with hub.WithLog, and a client that reconnects to any instance with
// Last-Event-ID resumes where it left off.
//
// Append runs one Lua script that stores the entry and gives it the next
// offset of the name's epoch; its id is "<epoch>-<offset>", the same on
// every instance. A tail goroutine follows the stream (XREAD BLOCK) from
// the offset this instance has applied into the local window that
// subscribers are served from, so every subscriber on every instance sees
// one order; an entry reaches local subscribers through the tail too,
// never straight from Append.
//
// When Redis loses data (it restarted without persistence, the keys
// expired, a failover rolled it back) the tail notices (a new epoch, or a
// top below its position) and every subscriber gets one reset. Ephemeral
// entries and Disconnect go over PUB/SUB: at most once.
type Log struct {
	cfg     config
	st      *store          // appends and bus publishes, on a client without retries
	appends *appender       // groups concurrent appends
	tailDB  *goredis.Client // the tail's own connection, closed to stop it at once
	ps      *goredis.PubSub
	win     *hub.Window
	origin  string // this instance, in bus messages
	tail    *tail
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	ready   chan struct{} // closed once Redis was checked and the bus subscribed

	mu         sync.Mutex // guards the fields below, and orders additions to win
	listener   hub.Listener
	epoch      string // the epoch of the entries applied; "" before the first and after a loss
	applied    uint64 // the offset applied last
	appended   uint64 // the offset of this instance's last append, in epoch appendedIn
	appendedIn string
	pending    []pending           // ephemeral entries waiting for the tail
	current    string              // the epoch the tail follows (its last check)
	notCurrent map[string]struct{} // epochs known not to be Redis's current one
	asked      map[string]struct{} // epochs Resolve asked the tail about
	healthErr  error
	reached    bool // the tail checked Redis once
	subscribed bool // the bus is subscribed
	closed     bool
}

// pending is an ephemeral entry that waits until the tail has applied the
// stored entries its publisher had seen (off), so that it never overtakes
// them; it waits at most aheadWait.
type pending struct {
	e     hub.Entry
	epoch string
	off   uint64
	since time.Time
}

// aheadWait bounds how long an ephemeral entry waits for the tail.
const aheadWait = time.Second

// New returns a Log on the Redis at url ("redis://[user:password@]host:port[/db]",
// or rediss:// for TLS; see go-redis's ParseURL), configured by opts. It
// returns at once, without waiting for Redis: the tail connects, and
// reconnects, in the background (see Ready and Healthy).
func New(url string, opts ...Option) (*Log, error) {
	ro, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return NewWithOptions(ro, opts...)
}

// NewWithOptions is New with go-redis client options instead of a URL.
// The Log makes its own clients from a copy of ro: one for appends, with
// retries disabled (a resent append could store an event twice), one for
// the tail, one for PUB/SUB.
func NewWithOptions(ro *goredis.Options, opts ...Option) (*Log, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	keys, err := newKeys(cfg.name)
	if err != nil {
		return nil, err
	}
	if cfg.maxLen < 1 || cfg.ttl < 0 || cfg.replicas < 0 || cfg.block <= 0 || (cfg.replicas > 0 && cfg.waitTimeout <= 0) {
		return nil, fmt.Errorf("%w: max length %d, TTL %v, wait %d replicas for %v, block %v", ErrConfig, cfg.maxLen, cfg.ttl, cfg.replicas, cfg.waitTimeout, cfg.block)
	}
	client := func(pool int) *goredis.Client {
		o := *ro
		o.MaxRetries = -1
		o.DialerRetries = 1
		o.DisableIdentity = true
		o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
		if pool > 0 {
			o.PoolSize = pool
		}
		return goredis.NewClient(&o)
	}
	st := &store{rdb: client(0), keys: keys, maxLen: cfg.maxLen, ttl: cfg.ttl, replicas: cfg.replicas, waitTimeout: cfg.waitTimeout}
	l := &Log{
		cfg:     cfg,
		st:      st,
		tailDB:  client(1),
		win:     hub.NewWindow(cfg.window),
		origin:  newEpoch(),
		ready:   make(chan struct{}),
		appends: &appender{st: st},

		notCurrent: map[string]struct{}{},
		asked:      map[string]struct{}{},
	}
	window := uint64(cfg.window.Entries)
	if window == 0 {
		window = uint64(cfg.maxLen)
	}
	l.tail = &tail{
		st:         &store{rdb: l.tailDB, keys: keys},
		sink:       (*logSink)(l),
		window:     window,
		block:      cfg.block,
		batch:      512,
		checkEvery: cfg.checkEvery,
		poke:       make(chan struct{}, 1),
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	l.ps = st.rdb.Subscribe(ctx, keys.bus)
	l.wg.Add(2)
	go func() {
		defer l.wg.Done()
		l.tail.run(ctx)
	}()
	go func() {
		defer l.wg.Done()
		listen(ctx, l.ps, l.busSubscribed, l.busMessage)
	}()
	return l, nil
}

// Ready waits until the Log has reached Redis once (its tail knows the
// stored epoch, and PUB/SUB is subscribed), or ctx is done.
func (l *Log) Ready(ctx context.Context) error {
	select {
	case <-l.ready:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: not ready: %w (last error: %v)", ErrUnavailable, ctx.Err(), l.Healthy())
	}
}

// Healthy returns nil when the tail's last round trip to Redis succeeded,
// and otherwise an error wrapping ErrUnavailable. A tail blocked on Redis
// for new entries is healthy; one that cannot reach it reports so at its
// next attempt (at once when the connection breaks, within the block
// interval plus 10s when packets are silently dropped).
func (l *Log) Healthy() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closed:
		return hub.ErrClosed
	case l.healthErr != nil:
		return l.healthErr
	case !l.reached:
		return fmt.Errorf("%w: not reached yet", ErrUnavailable)
	}
	return nil
}

// Append stores e in Redis and returns its id; see hub.Log. An entry with
// AutoID gets the id "<epoch>-<offset>". It returns once Redis has stored
// it (and, with WithWait, replicas have), or an error wrapping
// ErrUnavailable when Redis could not be reached, in which case the entry
// was not stored, unless the error also wraps ErrAmbiguous. The entry
// reaches this instance's window through the tail.
//
// Concurrent appends share one round trip (group commit). Once queued, an
// append is not abandoned when ctx is done (what was sent cannot be taken
// back): it is bounded by the client's dial, read and write timeouts
// (go-redis's defaults, or the URL's dial_timeout, read_timeout and
// write_timeout parameters).
//
// An Ephemeral entry is published over PUB/SUB instead, to the instances
// connected then, and reaches each after the stored entries its
// publisher had appended or applied.
func (l *Log) Append(ctx context.Context, e *hub.Entry) (string, error) {
	l.mu.Lock()
	closed := l.closed
	l.mu.Unlock()
	if closed {
		return "", hub.ErrClosed
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	if e.Ephemeral {
		return "", l.appendEphemeral(ctx, e)
	}
	payload := encodeEntry(nil, e)
	epoch, off, err := l.appends.append(ctx, payload)
	if epoch != "" {
		l.mu.Lock()
		if l.appendedIn != epoch || off > l.appended {
			l.appended, l.appendedIn = off, epoch
		}
		l.mu.Unlock()
		if e.AutoID && e.ID == "" {
			e.ID = formatID(epoch, off)
			e.Frame = withID(e.ID, e.Frame)
		}
	}
	if err != nil {
		return e.ID, err
	}
	return e.ID, nil
}

// appendEphemeral publishes e to the other instances and adds it here.
func (l *Log) appendEphemeral(ctx context.Context, e *hub.Entry) error {
	e.ID, e.AutoID = "", false
	l.mu.Lock()
	epoch, off := l.epoch, l.applied
	if l.appendedIn != "" && (epoch == "" || (l.appendedIn == epoch && l.appended > off)) {
		epoch, off = l.appendedIn, l.appended
	}
	l.mu.Unlock()
	m := busMsg{kind: busEphemeral, origin: l.origin, epoch: epoch, off: off, entry: encodeEntry(nil, e)}
	if err := l.st.publishBus(ctx, &m); err != nil {
		return err
	}
	l.addEphemeral(*e, epoch, off)
	return nil
}

// addEphemeral adds e to the window once the tail has applied offset off
// of epoch.
func (l *Log) addEphemeral(e hub.Entry, epoch string, off uint64) {
	e.Ephemeral, e.ID = true, ""
	l.mu.Lock()
	l.pending = append(l.pending, pending{e: e, epoch: epoch, off: off, since: time.Now()})
	added := l.flushPending(time.Now())
	listener := l.listener
	l.mu.Unlock()
	if added && listener != nil {
		listener.Appended()
	}
}

// flushPending adds to the window the ephemeral entries, in order, whose
// stored entries have been applied (or that are of another epoch, or
// waited too long), and reports whether it added any. l.mu is held.
func (l *Log) flushPending(now time.Time) bool {
	n := 0
	for _, p := range l.pending {
		behind := (p.epoch == l.epoch || l.epoch == "") && p.off > l.applied
		if behind && now.Sub(p.since) < aheadWait {
			break
		}
		l.win.Add(p.e)
		n++
	}
	l.pending = append(l.pending[:0], l.pending[n:]...)
	return n > 0
}

// withID returns frame with an id line first.
func withID(id string, frame []byte) []byte {
	b := make([]byte, 0, len("id: \n")+len(id)+len(frame))
	b = append(append(append(b, "id: "...), id...), '\n')
	return append(b, frame...)
}

// Read reads from the local window; see hub.Log.
func (l *Log) Read(after uint64, dst []hub.Entry, max int) ([]hub.Entry, error) {
	return l.win.Read(after, dst, max)
}

// Bounds returns the local window's bounds; see hub.Log.
func (l *Log) Bounds() (first, last uint64) { return l.win.Bounds() }

// Size returns the number of entries in the local window and their size.
func (l *Log) Size() (entries, bytes int) { return l.win.Size() }

// Resolve finds id in the local window. An id of the epoch this instance
// follows, with an offset it has not applied yet (another instance gave
// it, and this one's tail is behind), is Ahead; so is any id of this
// log's form before the tail first reached Redis.
func (l *Log) Resolve(id string) hub.Resolved {
	// Read the applied offset before the window: an entry applied in
	// between is then found, never taken for unknown.
	l.mu.Lock()
	epoch, applied, checked := l.epoch, l.applied, l.reached
	l.mu.Unlock()
	r := l.win.Resolve(id)
	if r.Res == hub.Found {
		return r
	}
	ep, off, ok := parseID(id)
	if !ok {
		return r
	}
	if !checked || (ep == epoch && off > applied) {
		return hub.Resolved{Res: hub.Ahead, Pos: r.Pos}
	}
	if ep == epoch {
		return r
	}
	// Another epoch: an old one (Unknown), or a new one this instance's
	// tail has not seen yet (Ahead). Ask the tail to look at once, and
	// wait for its answer.
	l.mu.Lock()
	defer l.mu.Unlock()
	if ep == l.current && ep != l.epoch {
		return hub.Resolved{Res: hub.Ahead, Pos: r.Pos}
	}
	if _, old := l.notCurrent[ep]; old {
		return r
	}
	l.asked[ep] = struct{}{}
	select {
	case l.tail.poke <- struct{}{}:
	default:
	}
	return hub.Resolved{Res: hub.Ahead, Pos: r.Pos}
}

// maxEpochs bounds the epochs a Log remembers as not current.
const maxEpochs = 1000

// notCurrentLocked records that epoch is not Redis's current one. l.mu is
// held.
func (l *Log) notCurrentLocked(epoch string) {
	if len(l.notCurrent) >= maxEpochs {
		clear(l.notCurrent)
	}
	l.notCurrent[epoch] = struct{}{}
}

// Disconnect tells this instance's Listener at once, then the other
// instances over PUB/SUB; the error says that they could not be told.
func (l *Log) Disconnect(ctx context.Context, ids []string) error {
	l.mu.Lock()
	listener := l.listener
	l.mu.Unlock()
	if listener != nil {
		listener.Disconnect(ids)
	}
	return l.st.publishBus(ctx, &busMsg{kind: busKick, origin: l.origin, ids: ids})
}

// Listen sets the Listener; see hub.Log.
func (l *Log) Listen(li hub.Listener) {
	l.mu.Lock()
	l.listener = li
	l.mu.Unlock()
}

// Close stops the tail and PUB/SUB and closes the Log's connections,
// promptly even while Redis is unreachable. Append then returns
// hub.ErrClosed; the window stays readable. Closing twice does nothing.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	l.cancel()
	l.ps.Close()
	l.tailDB.Close()
	l.wg.Wait()
	return l.st.rdb.Close()
}

func (l *Log) busSubscribed() {
	l.mu.Lock()
	l.subscribed = true
	l.signalReady()
	l.mu.Unlock()
}

// signalReady closes l.ready once the tail has checked Redis and the bus
// is subscribed. l.mu is held.
func (l *Log) signalReady() {
	if l.reached && l.subscribed {
		select {
		case <-l.ready:
		default:
			close(l.ready)
		}
	}
}

func (l *Log) busMessage(m busMsg) {
	if m.origin == l.origin {
		return // applied when sent
	}
	switch m.kind {
	case busEphemeral:
		e, err := decodeEntry(m.entry)
		if err != nil {
			return
		}
		l.addEphemeral(e, m.epoch, m.off)
	case busKick:
		l.mu.Lock()
		listener := l.listener
		l.mu.Unlock()
		if listener != nil {
			listener.Disconnect(m.ids)
		}
	}
}

// logSink is the Log as its tail's sink.
type logSink Log

func (s *logSink) apply(recs []record) {
	l := (*Log)(s)
	l.mu.Lock()
	for _, r := range recs {
		e, err := decodeEntry(r.payload)
		if err != nil {
			// Not written by this package: keep the offsets in step, skip it.
			l.epoch, l.applied = r.epoch, r.off
			continue
		}
		e.Ephemeral = false
		if e.AutoID && e.ID == "" {
			e.ID = formatID(r.epoch, r.off)
			e.Frame = withID(e.ID, e.Frame)
		}
		l.win.Add(e)
		l.epoch, l.applied = r.epoch, r.off
	}
	l.flushPending(time.Now())
	listener := l.listener
	l.mu.Unlock()
	if listener != nil {
		listener.Appended()
	}
}

func (s *logSink) lost(reason string) {
	l := (*Log)(s)
	l.mu.Lock()
	if l.epoch != "" {
		l.notCurrentLocked(l.epoch)
	}
	l.win.Clear()
	l.epoch, l.applied = "", 0
	_, last := l.win.Bounds()
	listener := l.listener
	l.mu.Unlock()
	if listener != nil {
		listener.Lost(last)
	}
}

func (s *logSink) health(err error) {
	l := (*Log)(s)
	l.mu.Lock()
	l.healthErr = err
	if err == nil && !l.reached {
		l.reached = true
		l.signalReady()
	}
	added := l.flushPending(time.Now())
	listener := l.listener
	l.mu.Unlock()
	if added && listener != nil {
		listener.Appended()
	}
}

func (s *logSink) checked(current string) {
	l := (*Log)(s)
	l.mu.Lock()
	l.current = current
	answered := len(l.asked) > 0
	for ep := range l.asked {
		if ep != current {
			l.notCurrentLocked(ep)
		}
	}
	clear(l.asked)
	listener := l.listener
	l.mu.Unlock()
	if answered && listener != nil {
		// Wake the requests waiting in Resolve.
		listener.Appended()
	}
}
