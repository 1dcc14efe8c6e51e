package redis

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/fastsse/sse/hub"
)

// An entry travels through Redis (a stream entry's payload, or a bus
// message) in a compact binary form: a version byte, a flags byte, the
// time it was published (Unix nanoseconds, varint), then its id and frame
// and the lists To, Except and Topics, each length-prefixed (uvarint).
// Positions are not encoded: each instance gives its own.

const codecVersion = 1

const (
	flagAutoID = 1 << iota
	flagAddressed
	flagTopical
	flagEphemeral
)

// errCodec reports a payload this package did not write.
var errCodec = errors.New("hub/redis: malformed entry payload")

// encodeEntry appends e's payload to b.
func encodeEntry(b []byte, e *hub.Entry) []byte {
	var flags byte
	for _, f := range []struct {
		on  bool
		bit byte
	}{{e.AutoID, flagAutoID}, {e.Addressed, flagAddressed}, {e.Topical, flagTopical}, {e.Ephemeral, flagEphemeral}} {
		if f.on {
			flags |= f.bit
		}
	}
	b = append(b, codecVersion, flags)
	var at int64
	if !e.At.IsZero() {
		at = e.At.UnixNano()
	}
	b = binary.AppendVarint(b, at)
	b = appendBytes(b, []byte(e.ID))
	b = appendBytes(b, e.Frame)
	for _, l := range [][]string{e.To, e.Except, e.Topics} {
		b = binary.AppendUvarint(b, uint64(len(l)))
		for _, s := range l {
			b = appendBytes(b, []byte(s))
		}
	}
	return b
}

func appendBytes(b, s []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decodeEntry decodes a payload made by encodeEntry. The entry's frame
// and strings are copies: p may be reused.
func decodeEntry(p []byte) (hub.Entry, error) {
	d := decoder{p: p}
	if len(p) < 2 || p[0] != codecVersion {
		return hub.Entry{}, fmt.Errorf("%w: version %v", errCodec, p[:min(len(p), 1)])
	}
	flags := p[1]
	if flags&^(flagAutoID|flagAddressed|flagTopical|flagEphemeral) != 0 {
		return hub.Entry{}, fmt.Errorf("%w: flags %#x", errCodec, flags)
	}
	d.p = p[2:]
	var e hub.Entry
	e.AutoID = flags&flagAutoID != 0
	e.Addressed = flags&flagAddressed != 0
	e.Topical = flags&flagTopical != 0
	e.Ephemeral = flags&flagEphemeral != 0
	if at := d.varint(); at != 0 {
		e.At = time.Unix(0, at)
	}
	e.ID = string(d.bytes())
	if f := d.bytes(); f != nil {
		e.Frame = append([]byte(nil), f...)
	}
	for _, l := range []*[]string{&e.To, &e.Except, &e.Topics} {
		n := d.uvarint()
		if n > uint64(len(d.p)) { // each string takes a byte at least
			d.err = true
			break
		}
		for range n {
			*l = append(*l, string(d.bytes()))
		}
	}
	if d.err || len(d.p) != 0 {
		return hub.Entry{}, errCodec
	}
	return e, nil
}

// decoder reads a payload; a read past its end sets err and returns zero.
type decoder struct {
	p   []byte
	err bool
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.p)
	if n <= 0 {
		d.err, d.p = true, nil
		return 0
	}
	d.p = d.p[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.p)
	if n <= 0 {
		d.err, d.p = true, nil
		return 0
	}
	d.p = d.p[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err || n > uint64(len(d.p)) {
		d.err, d.p = true, nil
		return nil
	}
	b := d.p[:n:n]
	d.p = d.p[n:]
	return b
}
