package redis

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// record is one stored entry as the tail reads it.
type record struct {
	epoch   string
	off     uint64
	payload []byte
}

// sink is what a tail feeds: the instance's local window.
type sink interface {
	// apply takes records of one epoch, in order, each after the last
	// one applied (consecutive, unless the first of an epoch).
	apply(recs []record)
	// lost says that what was applied is void: Redis lost it (a new
	// epoch, or its top below what was applied), or the stream was
	// trimmed past the tail's position. Records that follow start a new
	// history.
	lost(reason string)
	// health reports whether the last round trip to Redis succeeded (nil)
	// or why it failed.
	health(err error)
	// checked reports the epoch the tail follows after a check of
	// Redis's state ("" when Redis holds none).
	checked(epoch string)
}

// tail follows the stream of one hub name from the position it has
// applied: XREAD BLOCK on a connection of its own, reconnecting with
// capped exponential backoff, and comparing its epoch and position with
// what Redis holds after every reconnection and at least every
// checkEvery, so that data Redis lost is noticed (a new epoch, or a top
// below its position) and reported once (sink.lost).
//
// Only run's goroutine touches epoch and pos.
type tail struct {
	st     *store // on the tail's own client
	sink   sink
	window uint64 // at most this many entries are loaded when (re)starting

	block      time.Duration // XREAD BLOCK
	batch      int64         // XREAD COUNT
	checkEvery time.Duration
	poke       chan struct{} // a value asks for a check before the next read

	epoch string // "" until an epoch is adopted, and after a loss
	pos   uint64 // the offset applied last
	nonce string // the nonce of the entry at pos ("" when none was read)
}

// run tails until ctx is done.
func (t *tail) run(ctx context.Context) {
	backoff := minBackoff
	failed := func(err error) {
		t.sink.health(err)
		sleep(ctx, jitter(backoff))
		backoff = min(2*backoff, maxBackoff)
	}
	check := true
	var checked time.Time
	for ctx.Err() == nil {
		select {
		case <-t.poke:
			check = true
		default:
		}
		if check || time.Since(checked) >= t.checkEvery {
			if err := t.check(ctx); err != nil {
				failed(err)
				continue
			}
			check, checked = false, time.Now()
			t.sink.health(nil)
			t.sink.checked(t.epoch)
		}
		res, err := t.st.rdb.XRead(ctx, &goredis.XReadArgs{
			Streams: []string{t.st.keys.log, formatStreamID(t.pos)},
			Count:   t.batch,
			Block:   t.block,
		}).Result()
		if errors.Is(err, goredis.Nil) {
			check = true // idle: a good time to look at the epoch
			continue
		}
		if err != nil {
			check = true
			failed(classify(err))
			continue
		}
		backoff = minBackoff
		t.sink.health(nil)
		if len(res) == 1 && !t.take(res[0].Messages) {
			check = true
		}
	}
}

// take applies msgs, and returns false when they show a loss (another
// epoch, or a gap); the tail must then check Redis's state before reading
// on.
func (t *tail) take(msgs []goredis.XMessage) bool {
	recs := make([]record, 0, len(msgs))
	ok := true
	for _, m := range msgs {
		off, err := parseEntryID(m.ID)
		if err != nil {
			continue // not ours: skip it
		}
		epoch, _ := m.Values["e"].(string)
		payload, _ := m.Values["p"].(string)
		nonce, _ := m.Values["n"].(string)
		if t.epoch == "" {
			// Nothing adopted (the first entries ever, or the first
			// after a loss, which was reported): these start the history.
			t.epoch, t.pos = epoch, off-1
		}
		if epoch != t.epoch || off != t.pos+1 {
			// Another epoch than the one adopted, or a gap (trimmed
			// past us): report it once, and start over from Redis's state.
			t.loss("entries of another epoch, or a gap, in the stream")
			ok = false
			break
		}
		recs = append(recs, record{epoch: epoch, off: off, payload: []byte(payload)})
		t.pos, t.nonce = off, nonce
	}
	if len(recs) > 0 {
		t.sink.apply(recs)
	}
	return ok
}

// check compares the tail's epoch and position with Redis's state, and
// adopts Redis's epoch when the tail has none.
func (t *tail) check(ctx context.Context) error {
	st, err := t.st.state(ctx, t.pos)
	if err != nil {
		return err
	}
	switch {
	case st.epoch == "":
		if t.epoch != "" {
			t.loss("the stored epoch is gone (Redis restarted empty, or the keys expired)")
		}
	case t.epoch == "":
		t.adopt(st)
	case st.epoch != t.epoch:
		t.loss("Redis holds another epoch")
		t.adopt(st)
	case st.top < t.pos || (t.nonce != "" && st.nonce != "" && st.nonce != t.nonce):
		// Redis rolled back below what we applied, or replaced it: fence
		// it into a new epoch, so that no instance takes the rolled-back
		// ids for new entries; adopt it at the next check.
		if _, err := t.st.fence(ctx, t.epoch, t.pos, t.nonce); err != nil {
			return err
		}
		t.loss("Redis no longer holds the entries applied (a failover lost them)")
		return t.check(ctx)
	}
	return nil
}

// adopt starts following st's epoch: from its first entry, or from the
// last window entries.
func (t *tail) adopt(st state) {
	t.epoch, t.nonce = st.epoch, ""
	t.pos = 0
	if st.first > 0 {
		t.pos = st.first - 1
	}
	if st.top > t.window && st.top-t.window > t.pos {
		t.pos = st.top - t.window
	}
}

func (t *tail) loss(reason string) {
	t.epoch, t.pos, t.nonce = "", 0, ""
	t.sink.lost(reason)
}

// Reconnection backoff: doubled after each failure, up to maxBackoff,
// with jitter.
const (
	minBackoff = 50 * time.Millisecond
	maxBackoff = 2 * time.Second
)

// jitter returns a duration between d/2 and d.
func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or ctx, and reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// formatStreamID returns the stream id after which XREAD reads.
func formatStreamID(off uint64) string {
	return strconv.FormatUint(off, 10) + "-0"
}
