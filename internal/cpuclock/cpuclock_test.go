package cpuclock

import (
	"testing"
	"time"
)

// TestTime checks that the clock counts work done on the thread and not a
// sleep, which takes no CPU.
func TestTime(t *testing.T) {
	defer Lock()()
	busy := Time(func() {
		x := 0
		for i := range 20_000_000 {
			x += i ^ x>>3
		}
		sink = x
	})
	if busy <= 0 {
		t.Fatalf("busy loop took %v of CPU", busy)
	}
	slept := Time(func() { time.Sleep(50 * time.Millisecond) })
	// A sleep uses next to no CPU: a thread clock counts far less than
	// the 50 ms that pass (a wall clock counts them all).
	if isThreadClock && slept >= 40*time.Millisecond {
		t.Errorf("a 50 ms sleep took %v of the thread's CPU", slept)
	}
}

var sink int

// TestRatios checks the summary: the median and lower quartile, and that
// failed measurements are left out.
func TestRatios(t *testing.T) {
	var r Ratios
	for _, d := range []time.Duration{4, 1, 3, 2, 5} {
		r.Add(d, 1)
	}
	r.Add(0, 1)
	r.Add(1, 0)
	if len(r) != 5 {
		t.Fatalf("%d ratios kept, want 5", len(r))
	}
	if m, q := r.Quantile(0.5), r.Quantile(0.25); m != 3 || q != 2 {
		t.Errorf("median %v, lower quartile %v; want 3, 2", m, q)
	}
	if got := (Ratios{}).Quantile(0.5); got != 0 {
		t.Errorf("median of nothing %v, want 0", got)
	}
}
