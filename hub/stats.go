package hub

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Stats is a snapshot of what a Hub is doing and has done, for an
// application to export (to expvar, Prometheus or its logs): the package
// depends on none of them.
type Stats struct {
	Subscribers     int    // streams being served
	TakenOver       int    // of which served by the writer shards (the others by a goroutine each)
	Delivered       uint64 // events written to subscribers (handed to their sockets)
	Dropped         uint64 // events subscribers missed when they fell off the log (DropOldest, or the hub's own lag)
	SlowDisconnects uint64 // subscribers disconnected with ErrSlow
	Resets          uint64 // reset events sent

	LogEntries int    // events in the log
	LogBytes   int    // their size, as WithMaxLogBytes counts it (0 if the Log does not tell)
	OldestPos  uint64 // position of the oldest event in the log
	NewestPos  uint64 // position of the newest

	// Latency is the time from Publish to the write of the event to a
	// subscriber's socket, over every event delivered since New.
	Latency Quantiles
}

// Quantiles summarise a distribution of durations, to within 25%.
type Quantiles struct {
	P50, P90, P99, Max time.Duration
}

// Stats returns a snapshot of the Hub's counters.
func (h *Hub) Stats() Stats {
	st := Stats{
		Subscribers:     h.Clients(),
		TakenOver:       int(h.stats.takenOver.Load()),
		Delivered:       h.stats.delivered.Load(),
		Dropped:         h.stats.dropped.Load(),
		SlowDisconnects: h.stats.slow.Load(),
		Resets:          h.stats.resets.Load(),
	}
	first, last := h.log.Bounds()
	st.OldestPos, st.NewestPos = first, last
	st.LogEntries = int(last + 1 - first)
	if s, ok := h.log.(interface{ Size() (int, int) }); ok {
		st.LogEntries, st.LogBytes = s.Size()
	}
	var sum histogram
	sum.add(&h.stats.latency)
	for _, sh := range h.shards {
		sum.add(&sh.latency)
	}
	st.Latency = sum.quantiles()
	return st
}

// counters are the Hub's totals, updated atomically.
type counters struct {
	delivered, dropped, slow, resets atomic.Uint64
	takenOver                        atomic.Int64
	latency                          histogram // of the streams served by goroutines
}

// histogram counts durations in buckets a quarter of an octave wide.
type histogram struct {
	n [64 * 4]atomic.Uint64
}

// record counts d.
func (h *histogram) record(d time.Duration) {
	h.n[bucket(d)].Add(1)
}

// bucket returns the index of the bucket of d: 4 per power of two.
func bucket(d time.Duration) int {
	v := uint64(max(d, 0))
	if v < 4 {
		return int(v)
	}
	e := bits.Len64(v) - 1 // v in [2^e, 2^(e+1)), e >= 2
	return (e-1)*4 + int(v>>(e-2)&3)
}

// lower returns the smallest duration in bucket i.
func lower(i int) time.Duration {
	if i < 4 {
		return time.Duration(i)
	}
	e, q := i/4+1, uint64(i%4)
	return time.Duration(uint64(1)<<e | q<<(e-2))
}

// add adds o's counts to h's.
func (h *histogram) add(o *histogram) {
	for i := range h.n {
		if v := o.n[i].Load(); v > 0 {
			h.n[i].Add(v)
		}
	}
}

// quantiles returns h's quantiles, each the lower bound of its bucket.
func (h *histogram) quantiles() Quantiles {
	var total uint64
	top := -1
	for i := range h.n {
		if v := h.n[i].Load(); v > 0 {
			total += v
			top = i
		}
	}
	if total == 0 {
		return Quantiles{}
	}
	at := func(q float64) time.Duration {
		rank := uint64(q * float64(total))
		var seen uint64
		for i := range h.n {
			seen += h.n[i].Load()
			if seen > rank {
				return lower(i)
			}
		}
		return lower(top)
	}
	return Quantiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: lower(top + 1)}
}
