package hub

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestFellOffTheLog checks who is judged when a subscriber's cursor falls
// off the start of the log: the client, only when its socket was full
// within the write timeout; otherwise the Hub's own writers were behind,
// and the subscriber gets a "dropped" reset and goes on, whatever the
// policy.
func TestFellOffTheLog(t *testing.T) {
	const timeout = 10 * time.Second
	now := time.Now().UnixNano()
	for _, tc := range []struct {
		name     string
		policy   SlowPolicy
		fullAgo  time.Duration // 0: never full
		wantSlow bool
	}{
		{"never full, Disconnect: the hub's lag", Disconnect, 0, false},
		{"full long ago, Disconnect: the hub's lag", Disconnect, timeout + time.Second, false},
		{"full just now, Disconnect: the client's", Disconnect, time.Millisecond, true},
		{"full just now, DropOldest", DropOldest, time.Millisecond, false},
		{"never full, DropOldest", DropOldest, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := New(WithQueue(4, tc.policy), WithWriteTimeout(timeout))
			defer h.Close()
			s := &subscriber{done: make(chan struct{}), gen: h.lostGen.Load()}
			if tc.fullAgo > 0 {
				s.parkedAt.Store(now - int64(tc.fullAgo))
			}
			const first = 10
			body, ok := h.catchUp(s, nil, first, now)
			if tc.wantSlow {
				if ok || !errors.Is(s.endReason(), ErrSlow) {
					t.Fatalf("catchUp = %q, %v; reason %v: want the subscriber ended with ErrSlow", body, ok, s.endReason())
				}
				return
			}
			if !ok || s.endReason() != nil {
				t.Fatalf("catchUp = %q, %v; reason %v: want the subscriber kept", body, ok, s.endReason())
			}
			if want := "event: reset\ndata: dropped\n\n"; !strings.Contains(string(body), want) {
				t.Errorf("body %q lacks %q", body, want)
			}
			if s.cursor != first-1 {
				t.Errorf("cursor = %d, want %d (the oldest entry next)", s.cursor, first-1)
			}
			if got := h.Stats().Dropped; got != first-1 {
				t.Errorf("Dropped = %d, want %d", got, first-1)
			}
		})
	}
}
