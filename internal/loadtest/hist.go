package loadtest

import (
	"math/bits"
	"sync/atomic"
)

// histogram counts durations (in nanoseconds) in log-linear buckets: exact
// below 64 ns, then 32 buckets per power of two, so a quantile read from it
// is within 1/32 (about 3%) of the true value. Every method is safe for
// concurrent use: the fleet's readers all add to one histogram.
type histogram struct {
	counts [histBuckets]atomic.Int64
}

const (
	histExact   = 64                           // values below this have a bucket each
	histSub     = 32                           // buckets per power of two above it
	histBuckets = histExact + (63-7+1)*histSub // up to bits.Len64 == 63: every int64
)

// bucket returns the bucket of v (negative values count as 0).
func bucket(v int64) int {
	if v < histExact {
		return int(max(v, 0))
	}
	e := bits.Len64(uint64(v)) // ≥ 7
	shift := e - 6
	mant := int(uint64(v)>>shift) - histSub // in [0, 32)
	return histExact + (e-7)*histSub + mant
}

// lowest returns the smallest value in bucket i.
func lowest(i int) int64 {
	if i < histExact {
		return int64(i)
	}
	i -= histExact
	e := i/histSub + 7
	mant := int64(i%histSub + histSub)
	return mant << (e - 6)
}

// add counts one value.
func (h *histogram) add(v int64) { h.counts[bucket(v)].Add(1) }

// quantiles returns the values at the quantiles qs (each in [0, 1]), as the
// lowest value of the bucket that holds them, and the number of values;
// all zero when there are none.
func (h *histogram) quantiles(qs ...float64) (vals []int64, n int64) {
	for i := range h.counts {
		n += h.counts[i].Load()
	}
	vals = make([]int64, len(qs))
	if n == 0 {
		return vals, 0
	}
	for j, q := range qs {
		rank := int64(q * float64(n-1)) // 0-based rank of the value wanted
		var seen int64
		for i := range h.counts {
			seen += h.counts[i].Load()
			if seen > rank {
				vals[j] = lowest(i)
				break
			}
		}
	}
	return vals, n
}

// max returns the lowest value of the highest bucket used, or 0.
func (h *histogram) max() int64 {
	for i := len(h.counts) - 1; i >= 0; i-- {
		if h.counts[i].Load() > 0 {
			return lowest(i)
		}
	}
	return 0
}
