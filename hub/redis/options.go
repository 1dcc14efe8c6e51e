package redis

import (
	"time"

	"github.com/fastsse/sse/hub"
)

// Option configures a Log; see New.
type Option func(*config)

type config struct {
	name        string
	window      hub.WindowLimits
	maxLen      int64
	ttl         time.Duration
	replicas    int
	waitTimeout time.Duration
	block       time.Duration
	checkEvery  time.Duration
}

func defaults() config {
	return config{
		name:       "sse",
		window:     hub.WindowLimits{Entries: 1000, Bytes: 16 << 20, Resumable: 1000},
		maxLen:     10000,
		ttl:        24 * time.Hour,
		block:      time.Second,
		checkEvery: time.Second,
	}
}

// WithName sets the hub name (default "sse"): instances with the same
// name on the same Redis share one log. Its keys are "sse:{NAME}:meta"
// (the epoch and the last offset, a hash), "sse:{NAME}:log" (the
// entries, a stream) and the PUB/SUB channel "sse:{NAME}:bus"; the hash
// tag {NAME} keeps them in one Redis Cluster slot. A name is 1 to 200
// characters without braces, white space or control characters.
func WithName(name string) Option {
	return func(c *config) { c.name = name }
}

// WithWindow bounds the local window every subscriber of this instance is
// served from (default 1,000 entries, all resumable, and 16 MiB); see
// hub.WindowLimits.
// When the Log starts, or starts over after Redis lost data, it loads the
// newest Entries entries from the stream.
func WithWindow(lim hub.WindowLimits) Option {
	return func(c *config) { c.window = lim }
}

// WithMaxLen sets how many entries the Redis stream keeps, approximately
// (XADD MAXLEN ~; default 10,000, at least 1). It should be at least the
// window's Entries, or instances that start load fewer.
func WithMaxLen(n int64) Option {
	return func(c *config) { c.maxLen = n }
}

// WithTTL sets how long the keys live after the last append (default 24
// hours); zero keeps them for ever. When they expire, the next append
// starts a new epoch and every subscriber of every instance gets a reset,
// as after any loss.
func WithTTL(d time.Duration) Option {
	return func(c *config) { c.ttl = d }
}

// WithWait makes every append wait, after Redis stored the entry, until n
// replicas have it too (WAIT n timeout), so that an acknowledged event
// survives the failover to one of them. When fewer acknowledge within
// timeout, Append returns an error wrapping ErrNotReplicated. Default: no
// wait (n = 0), so an event acknowledged by a primary that fails before
// replicating it is lost; subscribers then get a reset, never a silent gap.
func WithWait(n int, timeout time.Duration) Option {
	return func(c *config) { c.replicas, c.waitTimeout = n, timeout }
}

// WithBlock sets how long one XREAD BLOCK of the tail waits for new
// entries (default 1s), which is also how often an idle tail checks that
// Redis still holds its epoch (and how soon it sees that Redis lost its
// data when no new entry comes). Shorter makes detection faster, at one
// round trip per interval.
func WithBlock(d time.Duration) Option {
	return func(c *config) { c.block, c.checkEvery = d, d }
}
