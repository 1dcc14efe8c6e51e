package loadtest

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBucketBounds(t *testing.T) {
	// Every value falls in the bucket whose lowest value is at most it,
	// within 1/32 of it above 64.
	vals := []int64{0, 1, 63, 64, 65, 127, 128, 1000, 1 << 20, 1<<40 + 12345, 1<<62 + 1, 1<<63 - 1}
	for range 1000 {
		vals = append(vals, rand.Int64())
	}
	for _, v := range vals {
		i := bucket(v)
		lo := lowest(i)
		if lo > v || (i+1 < histBuckets && lowest(i+1) <= v) {
			t.Fatalf("bucket(%d) = %d holds [%d, %d)", v, i, lo, lowest(i+1))
		}
		if v >= histExact && float64(v-lo) > float64(v)/histSub {
			t.Errorf("bucket(%d) starts at %d: more than 1/%d below", v, lo, histSub)
		}
	}
	if bucket(-5) != 0 {
		t.Errorf("bucket(-5) = %d, want 0", bucket(-5))
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	if q, n := h.quantiles(0.5); n != 0 || q[0] != 0 || h.max() != 0 {
		t.Errorf("empty: quantile %v, n %d, max %d", q, n, h.max())
	}
	var all []int64
	for range 10000 {
		v := rand.Int64N(50e6)
		all = append(all, v)
		h.add(v)
	}
	slices.Sort(all)
	q, n := h.quantiles(0, 0.5, 0.99, 1)
	if n != int64(len(all)) {
		t.Fatalf("n = %d, want %d", n, len(all))
	}
	for j, f := range []float64{0, 0.5, 0.99, 1} {
		want := all[int(f*float64(len(all)-1))]
		if q[j] > want || float64(want-q[j]) > float64(want)/histSub+1 {
			t.Errorf("quantile %v = %d, want within 1/%d below %d", f, q[j], histSub, want)
		}
	}
	if h.max() != q[3] {
		t.Errorf("max %d, quantile 1 %d", h.max(), q[3])
	}
}

func TestSequence(t *testing.T) {
	var s sequence
	for _, n := range []int64{1, 2, 4, 3, 3, 7, 0, 200} {
		s.add(n)
	}
	if s.unique != 6 || s.duplicated != 1 || s.outOfOrder != 1 || s.invalid != 1 || s.high != 200 {
		t.Errorf("unique %d, dup %d, ooo %d, invalid %d, high %d: want 6, 1, 1, 1, 200",
			s.unique, s.duplicated, s.outOfOrder, s.invalid, s.high)
	}
	// Published 1…8: 5, 6 and 8 missing; 200 was never published.
	if lost, unexpected := s.lost(8); lost != 3 || unexpected != 1 {
		t.Errorf("lost(8) = %d, %d; want 3, 1", lost, unexpected)
	}
	// Published none to this client: everything was unexpected.
	if lost, unexpected := s.lost(0); lost != 0 || unexpected != 6 {
		t.Errorf("lost(0) = %d, %d; want 0, 6", lost, unexpected)
	}
	// Published 300: 294 missing, nothing unexpected.
	if lost, unexpected := s.lost(300); lost != 294 || unexpected != 0 {
		t.Errorf("lost(300) = %d, %d; want 294, 0", lost, unexpected)
	}
}

func TestParseStamp(t *testing.T) {
	for _, c := range []struct {
		in       string
		n, stamp int64
		ok       bool
	}{
		{"12 1700000000000000000 xxxx", 12, 1700000000000000000, true},
		{"1 2", 1, 2, true},
		{"warm", 0, 0, false},
		{"12", 0, 0, false},
		{"12 x", 0, 0, false},
		{"", 0, 0, false},
	} {
		n, stamp, ok := parseStamp([]byte(c.in))
		if n != c.n || stamp != c.stamp || ok != c.ok {
			t.Errorf("parseStamp(%q) = %d, %d, %v; want %d, %d, %v", c.in, n, stamp, ok, c.n, c.stamp, c.ok)
		}
	}
}
