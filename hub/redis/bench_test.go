package redis

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fastsse/sse"
	"github.com/fastsse/sse/hub"
	"github.com/fastsse/sse/hub/redis/redistest"
)

// The benchmarks measure what the README reports for hub/redis: the
// latency from Publish to a client's read, on one instance in memory, on
// one instance through Redis, and across instances; and the highest
// publish rate three instances sustain, every event delivered to every
// subscriber once and in order. They print their figures as metrics;
// they assert nothing about time.

// reader reads one stream and records, per event, its id and the time it
// was read.
type reader struct {
	mu    sync.Mutex
	ids   []string
	datas []string
	at    []time.Time
	cond  chan struct{}
}

func startReader(b testing.TB, ctx context.Context, url string) *reader {
	b.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	r := &reader{cond: make(chan struct{})}
	go func() {
		defer resp.Body.Close()
		s := sse.NewScanner(resp.Body)
		for s.Next() {
			now := time.Now()
			r.mu.Lock()
			r.ids = append(r.ids, string(s.ID()))
			r.datas = append(r.datas, string(s.Data()))
			r.at = append(r.at, now)
			close(r.cond)
			r.cond = make(chan struct{})
			r.mu.Unlock()
		}
	}()
	return r
}

// wait waits until r has n events.
func (r *reader) wait(b testing.TB, n int) {
	b.Helper()
	deadline := time.After(2 * waitFor)
	for {
		r.mu.Lock()
		got, cond := len(r.ids), r.cond
		r.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-cond:
		case <-deadline:
			b.Fatalf("reader: %d events, want %d", got, n)
		}
	}
}

// quantile returns the q-quantile of sorted ds.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, int(q*float64(len(ds))))]
}

// BenchmarkLatency publishes b.N events, one at a time, paced, to 10
// subscribers, and reports the publish-to-read latency: in memory (no
// Redis), through Redis on the same instance, and across instances
// (published on one, read on another).
func BenchmarkLatency(b *testing.B) {
	const readers = 10
	srv := redistest.Start(b, redistest.Options{})
	for _, mode := range []string{"memory", "redis-same-instance", "redis-cross-instance"} {
		b.Run(mode, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var pub func(sse.Event) error
			var readURL string
			switch mode {
			case "memory":
				h := hub.New(hub.WithAutoIDs(), hub.WithReplay(1000, 0))
				s := httptest.NewServer(h)
				defer s.Close()
				defer h.Close()
				pub = func(ev sse.Event) error { _, err := h.Publish(ev); return err }
				readURL = s.URL
			default:
				name := uniqueName(b)
				a := newInstance(b, srv.Addr, name)
				r := a
				if mode == "redis-cross-instance" {
					r = newInstance(b, srv.Addr, name)
				}
				pub = func(ev sse.Event) error { _, err := a.hub.Publish(ev); return err }
				readURL = r.srv.URL
			}
			var rs []*reader
			for range readers {
				rs = append(rs, startReader(b, ctx, readURL))
			}
			time.Sleep(50 * time.Millisecond) // the streams are registered
			sent := make([]time.Time, b.N)
			b.ResetTimer()
			for i := range b.N {
				sent[i] = time.Now()
				if err := pub(sse.Event{Data: strconv.Itoa(i)}); err != nil {
					b.Fatal(err)
				}
				time.Sleep(time.Millisecond)
			}
			var lat []time.Duration
			for _, r := range rs {
				r.wait(b, b.N)
				r.mu.Lock()
				for k, d := range r.datas {
					i, _ := strconv.Atoi(d)
					lat = append(lat, r.at[k].Sub(sent[i]))
				}
				r.mu.Unlock()
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(quantile(lat, 0.5).Microseconds()), "p50-µs")
			b.ReportMetric(float64(quantile(lat, 0.99).Microseconds()), "p99-µs")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkThroughput3 publishes b.N events as fast as 3 instances take
// them (8 publishers each), with 10 subscribers on every instance, and
// reports the rate at which they were published and the rate at which
// every subscriber had them all, and the events lost, duplicated and out
// of order across all subscribers (all 0).
func BenchmarkThroughput3(b *testing.B) {
	const instances, publishers, readers = 3, 8, 10
	srv := redistest.Start(b, redistest.Options{})
	name := uniqueName(b)
	n := max(b.N, 100)
	var ins []*instance
	for range instances {
		ins = append(ins, newInstance(b, srv.Addr, name, WithWindow(hub.WindowLimits{Entries: n + 10, Resumable: n + 10}), WithMaxLen(int64(n+10))))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var rs []*reader
	for _, in := range ins {
		for range readers {
			rs = append(rs, startReader(b, ctx, in.srv.URL))
		}
	}
	time.Sleep(50 * time.Millisecond)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	var next sync.Mutex
	k := 0
	for _, in := range ins {
		for range publishers {
			wg.Go(func() {
				for {
					next.Lock()
					i := k
					k++
					next.Unlock()
					if i >= n {
						return
					}
					if _, err := in.hub.Publish(sse.Event{Data: strconv.Itoa(i)}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	published := time.Since(start)
	for _, r := range rs {
		r.wait(b, n)
	}
	delivered := time.Since(start)
	b.StopTimer()

	lost, dup, disorder := 0, 0, 0
	for _, r := range rs {
		seen := make(map[string]bool, n)
		var prev uint64
		r.mu.Lock()
		for k, id := range r.ids {
			if seen[r.datas[k]] {
				dup++
			}
			seen[r.datas[k]] = true
			_, off, _ := parseID(id)
			if off != prev+1 && prev != 0 {
				disorder++
			}
			prev = off
		}
		r.mu.Unlock()
		lost += n - len(seen)
	}
	b.ReportMetric(float64(n)/published.Seconds(), "published/s")
	b.ReportMetric(float64(n)/delivered.Seconds(), "all-delivered/s")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(dup), "duplicated")
	b.ReportMetric(float64(disorder), "out-of-order")
	b.ReportMetric(0, "ns/op")
	if lost+dup+disorder > 0 {
		b.Errorf("%d lost, %d duplicated, %d out of order", lost, dup, disorder)
	}
}

// BenchmarkAppend measures appends alone (no subscriber), from 1 and from
// 24 goroutines on one Log: concurrent appends share round trips (group
// commit).
func BenchmarkAppend(b *testing.B) {
	srv := redistest.Start(b, redistest.Options{})
	for _, g := range []int{1, 24} {
		b.Run(strconv.Itoa(g), func(b *testing.B) {
			l, err := New(srv.URL(), WithName(uniqueName(b)))
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			frame := []byte("data: 0123456789abcdef0123456789abcdef\n\n")
			var next sync.Mutex
			k := 0
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range g {
				wg.Go(func() {
					for {
						next.Lock()
						i := k
						k++
						next.Unlock()
						if i >= b.N {
							return
						}
						if _, err := l.Append(context.Background(), &hub.Entry{AutoID: true, Frame: frame}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "appends/s")
		})
	}
}
