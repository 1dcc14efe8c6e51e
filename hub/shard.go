package hub

import (
	"strconv"
	"sync"
	"time"
)

// batchMax is about the most bytes of events written to one subscriber
// in one write; a single event larger than that is written whole.
const batchMax = 64 << 10

// tailMax is the most entries a shard reads from the log in one go.
const tailMax = 1024

// peekEvery is how often a stream nothing was written to is checked for a
// client that hung up.
const peekEvery = time.Second

// A shard is a writer: one goroutine that serves the streams the Hub took
// over and gave it. On each pass, each subscriber that is not parked gets
// everything it lacks, filtered by its targets, in one write; a
// subscriber whose socket is full is parked (see park) and skipped until
// it drains. Passes run when the log changes, when a parked subscriber
// drains, and on the Hub's tick, which also sends heartbeats, judges
// stalled subscribers and checks idle ones for a client that hung up.
//
// The shard owns its subs and the subscribers in it, but for the pending
// bytes of a parked one, which its parked goroutine owns; others only hand
// it new subscribers (add) and wake it.
type shard struct {
	h     *Hub
	wakeC chan struct{}

	mu    sync.Mutex
	inbox []*subscriber // added, not yet in subs

	subs    []*subscriber
	tail    []Entry // the newest entries, read once per pass for all
	tmp     []Entry // the entries of a subscriber behind the tail
	body    []byte
	out     []byte
	io      rawIO
	latency histogram
}

func newShard(h *Hub) *shard {
	sh := &shard{h: h, wakeC: make(chan struct{}, 1)}
	sh.io.init()
	return sh
}

// wake makes the shard run a pass soon.
func (sh *shard) wake() {
	select {
	case sh.wakeC <- struct{}{}:
	default:
	}
}

// add hands s to the shard, which writes its response head on its next
// pass.
func (sh *shard) add(s *subscriber) {
	sh.mu.Lock()
	sh.inbox = append(sh.inbox, s)
	sh.mu.Unlock()
	sh.wake()
}

// run runs passes until the Hub stops its shards.
func (sh *shard) run() {
	defer sh.h.shardsDone.Done()
	t := time.NewTicker(sh.h.tick)
	defer t.Stop()
	for {
		select {
		case <-sh.h.quit:
			return
		case <-sh.wakeC:
			sh.pass(false)
		case <-t.C:
			sh.pass(true)
			if sh == sh.h.shards[0] {
				sh.h.broadcast(&sh.h.ticked)
			}
		}
	}
}

// pass serves every subscriber once.
func (sh *shard) pass(tick bool) {
	h := sh.h
	sh.mu.Lock()
	sh.subs = append(sh.subs, sh.inbox...)
	clear(sh.inbox)
	sh.inbox = sh.inbox[:0]
	sh.mu.Unlock()

	now := time.Now()
	first, last := h.log.Bounds()
	// The tail: the entries after the oldest cursor of the subscribers
	// to serve, unless that is more than tailMax behind. A subscriber
	// further behind reads its own.
	from := last
	for _, s := range sh.subs {
		if s.cursor < from && !s.parked.Load() {
			from = s.cursor
		}
	}
	from = max(from, first-1, last-min(last, tailMax))
	var err error
	sh.tail, err = h.log.Read(from, sh.tail[:0], tailMax)
	if err != nil { // trimmed since Bounds: serve from the next pass
		sh.tail, from = sh.tail[:0], last
	}
	again := false
	for i := 0; i < len(sh.subs); {
		s := sh.subs[i]
		if s.ended.Load() {
			n := len(sh.subs) - 1
			sh.subs[i], sh.subs[n] = sh.subs[n], nil
			sh.subs = sh.subs[:n]
			if !s.parked.Load() {
				go h.finish(s)
			} // else the parked goroutine finishes it
			continue
		}
		i++
		if s.parked.Load() {
			switch {
			case h.cfg.slow == Disconnect && s.cursor+1 < first:
				h.slow(s, "fell off the log")
			case tick && h.cfg.writeTimeout > 0 && now.UnixNano()-s.parkedAt.Load() > int64(h.cfg.writeTimeout):
				h.slow(s, "write timeout")
			}
			continue
		}
		if sh.serve(s, now, tick, first, last, from) {
			again = true
		}
	}
	if again {
		sh.wake()
	}
}

// serve writes to s what it lacks, and a heartbeat when it is due; it
// reports whether s has more to be sent.
func (sh *shard) serve(s *subscriber, now time.Time, tick bool, first, last, from uint64) (more bool) {
	h := sh.h
	body, ok := h.catchUp(s, sh.body[:0], first)
	if !ok {
		return false
	}
	ents := sh.tail
	if s.cursor < from {
		var err error
		ents, err = h.log.Read(s.cursor, sh.tmp[:0], tailMax)
		sh.tmp = ents
		if err != nil {
			return true // trimmed since: caught up next pass
		}
	} else if i := s.cursor - from; i <= uint64(len(ents)) {
		ents = ents[i:]
	} else {
		ents = nil // newer than the tail: nothing yet
	}
	body, n := collect(s, body, ents, now, &sh.latency)
	more = s.cursor < last
	nowNs := now.UnixNano()
	if len(body) == 0 && s.head == nil {
		if !tick {
			return more
		}
		if h.cfg.heartbeat > 0 && nowNs-s.lastWrite >= int64(h.cfg.heartbeat) {
			body = append(body, heartbeat...)
		} else {
			if nowNs-s.lastWrite >= int64(peekEvery) && nowNs-s.lastPeek >= int64(peekEvery) {
				s.lastPeek = nowNs
				if sh.io.hungUp(s.raw) {
					s.end(ErrClientGone)
				}
			}
			return more
		}
	}
	sh.body = body
	out := sh.out[:0]
	if s.head != nil {
		out = append(out, s.head...)
		s.head = nil
	}
	if len(body) > 0 {
		if s.chunked {
			out = strconv.AppendInt(out, int64(len(body)), 16)
			out = append(out, "\r\n"...)
			out = append(out, body...)
			out = append(out, "\r\n"...)
		} else {
			out = append(out, body...)
		}
	}
	sh.out = out
	w, err := sh.io.write(s.raw, out)
	if err != nil {
		s.end(ErrClientGone)
		return false
	}
	s.lastWrite = nowNs
	h.stats.delivered.Add(uint64(n))
	if w < len(out) {
		s.pending = append([]byte(nil), out[w:]...)
		s.parkedAt.Store(nowNs)
		s.parked.Store(true)
		go sh.park(s)
		return false
	}
	return more
}

// heartbeat is the comment sent on a stream idle for the heartbeat
// interval.
const heartbeat = ": heartbeat\n"

// park waits, in a goroutine of its own, for s's socket to take what is
// pending, then hands s back to the shard. It finishes s if s ends
// meanwhile, and ends it if the client goes away. The shard judges it
// stalled after the write timeout (on its tick), and end interrupts the
// wait.
func (sh *shard) park(s *subscriber) {
	err := drain(s)
	s.pending = nil
	if err != nil && !s.ended.Load() {
		s.end(ErrClientGone)
	}
	ended := s.ended.Load()
	s.parked.Store(false)
	if ended {
		sh.h.finish(s)
		return
	}
	sh.wake()
}

// collect appends to body the frames of the entries of ents s wants, up
// to about batchMax bytes, moves s's cursor past what it looked at, and
// records the latency of each event taken. It returns the body and the
// number of events taken.
func collect(s *subscriber, body []byte, ents []Entry, now time.Time, lat *histogram) ([]byte, int) {
	n := 0
	for i := range ents {
		e := &ents[i]
		if len(body) >= batchMax {
			break
		}
		s.cursor = e.Pos
		if s.wants(e) {
			body = append(body, e.Frame...)
			n++
			lat.record(now.Sub(e.At))
		}
	}
	return body, n
}

// catchUp starts the body of s's next write with what must come before
// its events: the retry and reset it connected with, a reset for events
// the log lost, or, when s fell off the start of the log, a reset under
// the DropOldest policy. It reports false when s was ended as slow.
func (h *Hub) catchUp(s *subscriber, body []byte, first uint64) ([]byte, bool) {
	if s.intro != nil {
		body = append(body, s.intro...)
		s.intro = nil
	}
	if gen := h.lostGen.Load(); s.gen != gen {
		s.gen = gen
		s.cursor = max(s.cursor, h.lostAt.Load())
		body = h.appendReset(body, "", "lost")
	}
	if s.cursor+1 < first {
		if h.cfg.slow == Disconnect {
			h.slow(s, "fell off the log")
			return body, false
		}
		h.stats.dropped.Add(first - 1 - s.cursor)
		s.cursor = first - 1
		body = h.appendReset(body, "", "dropped")
	}
	return body, true
}

// appendReset appends a ResetEvent with id and data.
func (h *Hub) appendReset(b []byte, id, data string) []byte {
	h.stats.resets.Add(1)
	b = append(b, "event: "+ResetEvent+"\n"...)
	if id != "" {
		b = append(b, "id: "...)
		b = append(b, id...)
		b = append(b, '\n')
	}
	b = append(b, "data: "...)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// slow ends s as too slow.
func (h *Hub) slow(s *subscriber, why string) {
	if s.end(ErrSlow) {
		h.stats.slow.Add(1)
		h.cfg.logger.Warn("hub: disconnecting slow subscriber", "id", s.ID, "why", why)
	}
}
