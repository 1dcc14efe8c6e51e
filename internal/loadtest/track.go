package loadtest

// sequence tracks the numbered events (1, 2, …) one client received: each
// number is counted once as received, and again as a duplicate or as out of
// order when it comes again or after a higher one. It holds one bit per
// number up to the highest received.
type sequence struct {
	seen       []uint64 // bit n set: event n received
	high       int64    // highest number received
	unique     int64    // distinct numbers received
	duplicated int64    // receipts of a number already received
	outOfOrder int64    // first receipts of a number below high
	invalid    int64    // numbers below 1
}

// add records the receipt of event n.
func (s *sequence) add(n int64) {
	if n < 1 {
		s.invalid++
		return
	}
	w := int(n / 64)
	if w >= len(s.seen) {
		s.seen = append(s.seen, make([]uint64, w+1-len(s.seen))...)
	}
	bit := uint64(1) << (n % 64)
	if s.seen[w]&bit != 0 {
		s.duplicated++
		return
	}
	s.seen[w] |= bit
	s.unique++
	if n < s.high {
		s.outOfOrder++
	}
	s.high = max(s.high, n)
}

// lost returns how many of events 1…published were not received, and how
// many numbers above published were (events that were never published,
// or not to this client).
func (s *sequence) lost(published int64) (lost, unexpected int64) {
	var within int64
	for n := int64(1); n <= min(published, s.high); n++ {
		if s.seen[n/64]&(1<<(n%64)) != 0 {
			within++
		}
	}
	return published - within, s.unique - within
}
