package hub

import (
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// batchMax is about the most bytes of events written to one subscriber
// in one write; a single event larger than that is written whole.
const batchMax = 64 << 10

// tailMax is the most entries a shard reads from the log in one go.
const tailMax = 1024

// yieldEvery is how many subscribers a shard serves before it lets
// other goroutines run.
const yieldEvery = 128

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
	ready []*subscriber // to visit: drained or ended

	subs    []*subscriber
	byID    map[string][]*subscriber // the subs with an ID, by ID
	dirty   []*subscriber            // to visit on the next pass, whatever it is
	visit   []*subscriber            // this pass's
	stamp   uint64                   // this pass's number: subscriber.seen
	floor   uint64                   // see pass
	gen     uint64                   // the Hub's lost generation seen
	served  atomic.Uint64            // subscribers served, for tests
	tail    []Entry                  // the newest entries, read once per pass for all
	tmp     []Entry                  // the entries of a subscriber behind the tail
	body    []byte
	out     []byte
	io      rawIO
	latency histogram
}

func newShard(h *Hub) *shard {
	sh := &shard{h: h, wakeC: make(chan struct{}, 1), byID: map[string][]*subscriber{}}
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

// ready asks the shard to visit s on its next pass.
func (sh *shard) readyNow(s *subscriber) {
	sh.mu.Lock()
	sh.ready = append(sh.ready, s)
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
				sh.h.checkOwn()
			}
		}
		if sh == sh.h.shards[0] {
			sh.h.broadcast()
		}
	}
}

// pass serves the subscribers. A full pass (on the tick, or when an
// event may be for anyone) visits every one; when every event since the
// last pass is addressed (To), only those it addresses are visited, with
// those that asked to be (new, drained, ended, or with more to send): the
// cost of a targeted event does not grow with the subscribers it is not
// for.
//
// floor is what makes skipping right: every settled subscriber (one
// neither parked nor with more to send) has been sent what it wants up to
// floor, whatever its cursor says; a subscriber skipped by a targeted pass
// wanted none of its events.
func (sh *shard) pass(tick bool) {
	h := sh.h
	sh.mu.Lock()
	for _, s := range sh.inbox {
		s.idx = len(sh.subs)
		sh.subs = append(sh.subs, s)
		if s.ID != "" {
			sh.byID[s.ID] = append(sh.byID[s.ID], s)
		}
	}
	sh.dirty = append(sh.dirty, sh.inbox...)
	clear(sh.inbox)
	sh.inbox = sh.inbox[:0]
	sh.dirty = append(sh.dirty, sh.ready...)
	clear(sh.ready)
	sh.ready = sh.ready[:0]
	sh.mu.Unlock()

	now := time.Now()
	first, last := h.log.Bounds()
	sh.stamp++
	visit := sh.visitList(tick, first, last)
	// The tail: the entries after the oldest cursor of the subscribers
	// to serve, unless that is more than tailMax behind. A subscriber
	// further behind reads its own.
	from := last
	for _, s := range visit {
		if !s.parked.Load() {
			from = min(from, sh.cursor(s))
		}
	}
	from = max(from, first-1, last-min(last, tailMax))
	var err error
	sh.tail, err = h.log.Read(from, sh.tail[:0], tailMax)
	if err != nil { // trimmed since Bounds: serve from the next pass
		sh.tail, from = sh.tail[:0], last
	}
	again := false
	for i, s := range visit {
		if i%yieldEvery == yieldEvery-1 {
			// A long pass must not keep Publish (or a connect) waiting
			// for a processor: let it run.
			runtime.Gosched()
		}
		if s.idx < 0 {
			continue // removed
		}
		if s.ended.Load() {
			sh.remove(s)
			if !s.parked.Load() {
				go h.finish(s)
			} // else the parked goroutine finishes it
			continue
		}
		if s.parked.Load() {
			switch {
			case h.cfg.slow == Disconnect && s.cursor+1 < first:
				h.slow(s, "fell off the log")
			case tick && h.cfg.writeTimeout > 0 && now.UnixNano()-s.parkedAt.Load() > int64(h.cfg.writeTimeout):
				h.slow(s, "write timeout")
			}
			continue
		}
		s.cursor = sh.cursor(s)
		sh.served.Add(1)
		more := sh.serve(s, now, tick, first, last, from)
		s.settled = !more && !s.parked.Load()
		if more {
			again = true
			sh.dirty = append(sh.dirty, s)
		}
	}
	sh.floor = last
	if again {
		sh.wake()
	}
}

// visitList returns the subscribers to visit: all of them, or, when
// every entry after floor is addressed, those the entries address and
// the dirty ones. Each is listed once.
func (sh *shard) visitList(tick bool, first, last uint64) []*subscriber {
	dirty := sh.dirty
	if !tick && sh.floor+1 >= first && last-sh.floor <= tailMax && sh.gen == sh.h.lostGen.Load() {
		ents, err := sh.h.log.Read(sh.floor, sh.tmp[:0], tailMax)
		sh.tmp = ents
		targeted := err == nil && uint64(len(ents)) >= last-sh.floor
		for i := range ents {
			if !ents[i].Addressed {
				targeted = false
				break
			}
		}
		if targeted {
			visit := sh.visit[:0]
			add := func(s *subscriber) {
				if s.seen != sh.stamp {
					s.seen = sh.stamp
					visit = append(visit, s)
				}
			}
			for _, s := range dirty {
				add(s)
			}
			for i := range ents {
				for _, id := range ents[i].To {
					for _, s := range sh.byID[id] {
						add(s)
					}
				}
			}
			sh.visit = visit
			sh.dirty = sh.dirty[:0]
			return visit
		}
	}
	sh.gen = sh.h.lostGen.Load()
	sh.dirty = sh.dirty[:0]
	return append(sh.visit[:0], sh.subs...)
}

// cursor returns s's cursor, or floor for a settled subscriber behind it.
func (sh *shard) cursor(s *subscriber) uint64 {
	if s.settled {
		return max(s.cursor, sh.floor)
	}
	return s.cursor
}

// remove takes s out of the shard.
func (sh *shard) remove(s *subscriber) {
	n := len(sh.subs) - 1
	last := sh.subs[n]
	sh.subs[s.idx], last.idx = last, s.idx
	sh.subs[n] = nil
	sh.subs = sh.subs[:n]
	s.idx = -1
	if s.ID != "" {
		same := slices.DeleteFunc(sh.byID[s.ID], func(o *subscriber) bool { return o == s })
		if len(same) == 0 {
			delete(sh.byID, s.ID)
		} else {
			sh.byID[s.ID] = same
		}
	}
}

// serve writes to s what it lacks, and a heartbeat when it is due; it
// reports whether s has more to be sent.
func (sh *shard) serve(s *subscriber, now time.Time, tick bool, first, last, from uint64) (more bool) {
	h := sh.h
	body, ok := h.catchUp(s, sh.body[:0], first, now.UnixNano())
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
	out := append(sh.out[:0], s.head...)
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
	h.stats.delivered.Add(uint64(n))
	w, err := sh.io.write(s.raw, out)
	if err != nil {
		// Nothing written: the head, if not sent, still is to be
		// (closeConn); something written: the stream is cut mid-frame.
		s.broken = w > 0
		s.end(ErrClientGone)
		return false
	}
	s.head = nil // written, or pending
	s.lastWrite = nowNs
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
	s.broken = len(s.pending) > 0 // cut mid-frame
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
	sh.readyNow(s)
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
// the log lost, or, when s fell off the start of the log, a reset. It
// reports false when s was ended as slow.
//
// Falling off the log is the client's fault only when its socket was full
// within the write timeout (see subscriber.fullSince): then the policy
// applies (Disconnect ends it with ErrSlow). A subscriber whose client
// took every write at once fell behind because the Hub's own writers did
// (a machine too busy to serve every stream before the log moved on): it
// is sent a "dropped" reset and goes on, whatever the policy, so that a
// healthy reader is never cut for the Hub's lag.
func (h *Hub) catchUp(s *subscriber, body []byte, first uint64, now int64) ([]byte, bool) {
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
			if s.fullSince(now-int64(h.cfg.writeTimeout), h.cfg.writeTimeout > 0) {
				h.slow(s, "fell off the log")
				return body, false
			}
			h.cfg.logger.Warn("hub: a subscriber fell off the log while its client kept up: the hub's writers are behind; sending it a reset", "id", s.ID, "missed", first-1-s.cursor)
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
	if s.end(ErrSlow) { // counted in Stats by finish, before the disconnect hook runs
		h.cfg.logger.Warn("hub: disconnecting slow subscriber", "id", s.ID, "why", why)
	}
}
