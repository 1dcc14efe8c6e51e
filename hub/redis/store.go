package redis

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// store runs the scripts of one hub name on one Redis: the appends and
// the reads of its state. It holds no state of its own beyond its
// configuration and client.
type store struct {
	rdb  *goredis.Client
	keys keys

	maxLen      int64         // entries kept in the stream, approximately
	ttl         time.Duration // time to live of the keys after the last append; 0: none
	replicas    int           // WAIT for this many replicas after an append
	waitTimeout time.Duration
}

// newEpoch returns a fresh epoch: random, so that two instances that both
// find the epoch missing do not make the same, and without '-', which
// separates it from the offset in an id.
func newEpoch() string {
	var b [8]byte
	rand.Read(b[:])
	n := uint64(0)
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return strconv.FormatUint(n, 36)
}

// appendBatch stores payloads as consecutive entries, in order, and
// returns their epoch and the offset of the first. With replicas > 0 it
// then waits (WAIT) for that many replicas to have them, on the same
// connection, and returns ErrNotReplicated when fewer did.
func (s *store) appendBatch(ctx context.Context, payloads [][]byte) (epoch string, first uint64, err error) {
	keys := []string{s.keys.meta, s.keys.log}
	args := make([]any, 0, 3+2*len(payloads))
	args = append(args, newEpoch(), s.maxLen, s.ttl.Milliseconds())
	for _, p := range payloads {
		args = append(args, p, newEpoch())
	}
	res, acked, err := s.runAppend(ctx, keys, args, false)
	if err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT") {
		// Not run: load it and run it again.
		res, acked, err = s.runAppend(ctx, keys, args, true)
	}
	if err != nil {
		return "", 0, classify(err)
	}
	epoch, first, err = parseAppend(res)
	if err != nil {
		return "", 0, err
	}
	if s.replicas > 0 && acked < int64(s.replicas) {
		return epoch, first, fmt.Errorf("%w: %d of %d within %v", ErrNotReplicated, acked, s.replicas, s.waitTimeout)
	}
	return epoch, first, nil
}

// runAppend runs the append script, by its hash or (load) by its source,
// followed by WAIT when replicas are wanted, in one round trip on one
// connection.
func (s *store) runAppend(ctx context.Context, keys []string, args []any, load bool) (any, int64, error) {
	run := func(p goredis.Scripter) *goredis.Cmd {
		if load {
			return appendScript.Eval(ctx, p, keys, args...)
		}
		return appendScript.EvalSha(ctx, p, keys, args...)
	}
	if s.replicas == 0 {
		res, err := run(s.rdb).Result()
		return res, 0, err
	}
	var cmd *goredis.Cmd
	var wait *goredis.Cmd
	_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		cmd = run(p)
		wait = p.Do(ctx, "WAIT", s.replicas, s.waitTimeout.Milliseconds())
		return nil
	})
	if cmd.Err() != nil {
		return nil, 0, cmd.Err()
	}
	if err != nil {
		// Stored, but the WAIT failed: not known to be replicated.
		return cmd.Val(), 0, nil
	}
	n, _ := wait.Int64()
	return cmd.Val(), n, nil
}

func parseAppend(res any) (string, uint64, error) {
	a, ok := res.([]any)
	if !ok || len(a) != 2 {
		return "", 0, fmt.Errorf("hub/redis: append script returned %v", res)
	}
	epoch, ok1 := a[0].(string)
	off, ok2 := a[1].(int64)
	if !ok1 || !ok2 || off <= 0 {
		return "", 0, fmt.Errorf("hub/redis: append script returned %v", res)
	}
	return epoch, uint64(off), nil
}

// state is what Redis holds of a hub name, read atomically.
type state struct {
	epoch string // "" when nothing is stored
	top   uint64 // the last offset assigned
	first uint64 // the offset of the first entry in the stream; 0 when empty
	nonce string // the nonce of the entry at the position asked about, "" if none
}

// state reads the state of the hub name, and the nonce of the entry at
// offset pos.
func (s *store) state(ctx context.Context, pos uint64) (state, error) {
	res, err := stateScript.Run(ctx, s.rdb, []string{s.keys.meta, s.keys.log}, pos).Result()
	if err != nil {
		return state{}, classify(err)
	}
	a, ok := res.([]any)
	if !ok || len(a) != 4 {
		return state{}, fmt.Errorf("hub/redis: state script returned %v", res)
	}
	var st state
	st.epoch, _ = a[0].(string)
	if n, ok := a[1].(int64); ok && n > 0 {
		st.top = uint64(n)
	}
	if id, ok := a[2].(string); ok {
		st.first, _ = parseEntryID(id)
	}
	st.nonce, _ = a[3].(string)
	return st, nil
}

// fence starts a new epoch if the stored one is still epoch and no longer
// holds the entry with nonce at pos (see fenceScript), and returns the
// epoch stored afterwards.
func (s *store) fence(ctx context.Context, epoch string, pos uint64, nonce string) (string, error) {
	res, err := fenceScript.Run(ctx, s.rdb, []string{s.keys.meta, s.keys.log}, epoch, pos, nonce, newEpoch()).Result()
	if err != nil && !errors.Is(err, goredis.Nil) {
		return "", classify(err)
	}
	e, _ := res.(string)
	return e, nil
}

// parseEntryID returns the offset of a stream entry id "<offset>-0".
func parseEntryID(id string) (uint64, error) {
	ms, seq, ok := strings.Cut(id, "-")
	if !ok || seq != "0" {
		return 0, fmt.Errorf("hub/redis: unexpected stream entry id %q", id)
	}
	return strconv.ParseUint(ms, 10, 64)
}

// formatID returns the event id of an entry: "<epoch>-<offset>".
func formatID(epoch string, off uint64) string {
	return epoch + "-" + strconv.FormatUint(off, 10)
}

// parseID splits an event id made by formatID.
func parseID(id string) (epoch string, off uint64, ok bool) {
	i := strings.LastIndexByte(id, '-')
	if i <= 0 {
		return "", 0, false
	}
	off, err := strconv.ParseUint(id[i+1:], 10, 64)
	if err != nil || off == 0 {
		return "", 0, false
	}
	return id[:i], off, true
}

// classify wraps err from Redis: ErrUnavailable for a Redis that cannot be
// reached or refuses writes for now, with ErrAmbiguous when the command
// may have been run. Context errors and other error replies are returned
// as they are.
func classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var rerr goredis.Error
	if errors.As(err, &rerr) && !isNetError(err) {
		for _, p := range []string{"LOADING", "READONLY", "MASTERDOWN", "BUSY", "OOM", "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS"} {
			if goredis.HasErrorPrefix(err, p) {
				return fmt.Errorf("%w: %w", ErrUnavailable, err)
			}
		}
		return err
	}
	if isDialError(err) || errors.Is(err, goredis.ErrClosed) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return fmt.Errorf("%w: %w: %w", ErrUnavailable, ErrAmbiguous, err)
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

// isDialError reports whether err happened while connecting: nothing was
// sent.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "dial tcp")
}
