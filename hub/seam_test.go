package hub

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fastsse/sse"
)

// seamLog is a MemoryLog that lets a test act as a shared log would: tell
// the Hub that entries were lost, answer Ahead for an id not applied yet,
// and record Disconnects.
type seamLog struct {
	*MemoryLog
	listener Listener
	ahead    atomic.Value // string: an id Resolve answers Ahead for
	mu       sync.Mutex
	kicked   [][]string
}

func newSeamLog() *seamLog {
	l := &seamLog{MemoryLog: NewMemoryLog(WindowLimits{Entries: 100, Resumable: 100})}
	l.ahead.Store("")
	return l
}

func (l *seamLog) Listen(li Listener) {
	l.listener = li
	l.MemoryLog.Listen(li)
}

func (l *seamLog) Resolve(id string) Resolved {
	if id != "" && id == l.ahead.Load().(string) {
		return Resolved{Res: Ahead}
	}
	return l.MemoryLog.Resolve(id)
}

func (l *seamLog) Disconnect(ctx context.Context, ids []string) error {
	l.mu.Lock()
	l.kicked = append(l.kicked, ids)
	l.mu.Unlock()
	return l.MemoryLog.Disconnect(ctx, ids)
}

// TestLost: when the log says entries were lost, every subscriber gets
// exactly one reset, then what follows.
func TestLost(t *testing.T) {
	l := newSeamLog()
	h := New(WithLog(l), WithAutoIDs())
	url := serve(t, h)
	a, b := subscribe(t, url), subscribe(t, url)
	waitClients(t, h, 2)
	h.Publish(sse.Event{Data: "before"})
	for _, c := range []*client{a, b} {
		if e := c.next(t); e.Data != "before" {
			t.Fatalf("got %+v", e)
		}
	}
	_, last := l.Bounds()
	l.listener.Lost(last)
	h.Publish(sse.Event{Data: "after"})
	h.Publish(sse.Event{Data: "end"})
	for i, c := range []*client{a, b} {
		var got []string
		for {
			e := c.next(t)
			if e.Data == "end" {
				break
			}
			got = append(got, e.Data)
			if e.Type == ResetEvent {
				got[len(got)-1] = "reset " + e.Data
			}
		}
		if strings.Join(got, "|") != "reset lost|after" {
			t.Errorf("client %d got %q, want one reset then after", i, got)
		}
	}
	if st := h.Stats(); st.Resets != 2 {
		t.Errorf("%d resets, want 2", st.Resets)
	}
	// A subscriber that connects after the loss gets no reset.
	c := subscribe(t, url)
	waitClients(t, h, 3)
	h.Publish(sse.Event{Data: "later"})
	if e := c.next(t); e.Data != "later" {
		t.Errorf("a later subscriber got %+v", e)
	}
}

// TestAhead: a Last-Event-ID the log has not applied yet waits for it, and
// then resumes after it.
func TestAhead(t *testing.T) {
	l := newSeamLog()
	reconnects := make(chan bool, 1)
	h := New(WithLog(l), WithOnReconnect(func(s Subscriber, resumed bool) { reconnects <- resumed }))
	url := serve(t, h)
	l.ahead.Store("future")
	got := make(chan *client, 1)
	go func() { got <- subscribe(t, url, "Last-Event-ID", "future") }()
	// The request waits in Resolve; the log then applies the entry.
	time.Sleep(10 * time.Millisecond) // not asserted: the test passes either way the race goes
	l.ahead.Store("")
	h.Publish(sse.Event{ID: "future", Data: "the id"})
	h.Publish(sse.Event{Data: "after"})
	c := <-got
	if resumed := <-reconnects; !resumed {
		t.Fatal("not resumed")
	}
	if e := c.next(t); e.Data != "after" {
		t.Errorf("resumed with %+v, want the event after the id", e)
	}
}

// TestDisconnectThroughLog: Disconnect goes through the log, to every
// instance, and comes back to this one through the Listener.
func TestDisconnectThroughLog(t *testing.T) {
	l := newSeamLog()
	h := New(WithLog(l), WithSubscriberID(byHeader))
	url := serve(t, h)
	ann := subscribe(t, url, "X-User", "ann")
	waitClients(t, h, 1)
	h.Disconnect("", "ann")
	ann.ended(t)
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.kicked) != 1 || !slices.Equal(l.kicked[0], []string{"ann"}) {
		t.Errorf("Log.Disconnect calls %q, want one with [ann]", l.kicked)
	}
}

// TestStats: the counters and the log's figures.
func TestStats(t *testing.T) {
	h := New(WithReplay(3, 0), WithQueue(3, Disconnect), WithAutoIDs())
	url := serve(t, h)
	a, b := subscribe(t, url), subscribe(t, url)
	waitClients(t, h, 2)
	for range 5 {
		h.Publish(sse.Event{Data: "x"})
		a.next(t)
		b.next(t)
	}
	st := h.Stats()
	if st.Subscribers != 2 || st.Delivered != 10 || st.SlowDisconnects != 0 || st.Dropped != 0 {
		t.Errorf("Stats %+v", st)
	}
	if st.LogEntries != 3 || st.OldestPos != 3 || st.NewestPos != 5 || st.LogBytes < 3*len("id: x-1\ndata: x\n\n") {
		t.Errorf("log figures %+v, want 3 entries, 3..5", st)
	}
	q := st.Latency
	if q.P50 <= 0 || q.P50 > q.P90 || q.P90 > q.P99 || q.P99 >= q.Max {
		t.Errorf("latency quantiles %+v", q)
	}
}

// TestHistogram: each duration falls in the bucket whose bounds hold it,
// and the quantiles are those of the counts.
func TestHistogram(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 3, 4, 5, 7, 8, 1000, 1023, 1024, time.Millisecond, time.Second, 1 << 40} {
		i := bucket(d)
		if lower(i) > d || d >= lower(i+1) {
			t.Errorf("%v in bucket %d: [%v, %v)", d, i, lower(i), lower(i+1))
		}
	}
	var h histogram
	for range 98 {
		h.record(time.Millisecond)
	}
	h.record(time.Second)
	h.record(time.Second)
	q := h.quantiles()
	if q.P50 != lower(bucket(time.Millisecond)) || q.P90 != q.P50 || q.P99 != lower(bucket(time.Second)) || q.Max != lower(bucket(time.Second)+1) {
		t.Errorf("quantiles %+v", q)
	}
}
