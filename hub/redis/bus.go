package redis

import (
	"context"
	"encoding/binary"
	"errors"

	goredis "github.com/redis/go-redis/v9"
)

// The bus carries what is not stored across instances, over Redis
// PUB/SUB: ephemeral events and disconnects. PUB/SUB is at-most-once: a
// message published while an instance is disconnected from Redis (or cut
// at Redis's output buffer limit) never reaches it. That is the nature of
// ephemeral events (presence, typing), and a disconnect missed leaves a
// stream open that the application can end again.
//
// A message is a kind byte, the sending instance's origin (so that it
// ignores its own, which it applied at once), then per kind:
//
//	busEphemeral: the epoch and offset the sender had seen, then the entry
//	busKick: the subscriber IDs
//
// Strings are uvarint length-prefixed.
const (
	busEphemeral = 'e'
	busKick      = 'k'
)

// busMsg is a decoded bus message.
type busMsg struct {
	kind   byte
	origin string
	epoch  string   // busEphemeral
	off    uint64   // busEphemeral
	entry  []byte   // busEphemeral: the entry's payload
	ids    []string // busKick
}

func (m *busMsg) encode() []byte {
	b := []byte{m.kind}
	b = appendBytes(b, []byte(m.origin))
	switch m.kind {
	case busEphemeral:
		b = appendBytes(b, []byte(m.epoch))
		b = binary.AppendUvarint(b, m.off)
		b = append(b, m.entry...)
	case busKick:
		b = binary.AppendUvarint(b, uint64(len(m.ids)))
		for _, id := range m.ids {
			b = appendBytes(b, []byte(id))
		}
	}
	return b
}

func decodeBus(p []byte) (busMsg, error) {
	if len(p) == 0 {
		return busMsg{}, errCodec
	}
	m := busMsg{kind: p[0]}
	d := decoder{p: p[1:]}
	m.origin = string(d.bytes())
	switch m.kind {
	case busEphemeral:
		m.epoch = string(d.bytes())
		m.off = d.uvarint()
		m.entry, d.p = d.p, nil
	case busKick:
		n := d.uvarint()
		if n > uint64(len(d.p)) {
			return busMsg{}, errCodec
		}
		for range n {
			m.ids = append(m.ids, string(d.bytes()))
		}
	default:
		return busMsg{}, errCodec
	}
	if d.err || len(d.p) != 0 {
		return busMsg{}, errCodec
	}
	return m, nil
}

// publishBus sends m to every instance.
func (s *store) publishBus(ctx context.Context, m *busMsg) error {
	return classify(s.rdb.Publish(ctx, s.keys.bus, m.encode()).Err())
}

// listen receives bus messages on ps until it is closed or ctx is done,
// calling subscribed each time the subscription is (re)established and fn
// with each message, in order. go-redis resubscribes after a
// reconnection; messages sent in between are lost.
func listen(ctx context.Context, ps *goredis.PubSub, subscribed func(), fn func(busMsg)) {
	backoff := minBackoff
	for {
		v, err := ps.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, goredis.ErrClosed) {
				return
			}
			// Receive reconnects on the next call; do not spin while
			// Redis is away.
			if !sleep(ctx, jitter(backoff)) {
				return
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = minBackoff
		switch v := v.(type) {
		case *goredis.Subscription:
			subscribed()
		case *goredis.Message:
			if m, err := decodeBus([]byte(v.Payload)); err == nil {
				fn(m)
			}
		}
	}
}
