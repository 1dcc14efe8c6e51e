package main

import "time"

// bucket is a token bucket: it holds at most burst tokens, gains rate
// tokens a second, and each post takes one. A session that has been quiet
// may so post burst messages at once, and then rate a second for as long
// as it keeps going. The zero bucket is full.
type bucket struct {
	tokens float64   // tokens at last
	last   time.Time // when tokens was counted; zero before the first take
}

// take takes a token at now if there is one and returns 0; otherwise it
// takes nothing and returns how long until there is one.
func (b *bucket) take(now time.Time, rate float64, burst int) time.Duration {
	switch {
	case b.last.IsZero():
		b.tokens, b.last = float64(burst), now
	case now.After(b.last):
		b.tokens = min(float64(burst), b.tokens+now.Sub(b.last).Seconds()*rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / rate * float64(time.Second))
}
