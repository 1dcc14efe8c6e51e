package peers

// The hub load benchmark against go-sse's Server: the same scenarios, the
// same client process (internal/loadtest's fleet, reading with the
// fastsse Scanner), each server in a process of its own, one after the
// other in the same run, so their CPU time is their own.
//
//	go test -run '^$' -bench LoadVsGoSSE -benchtime 1x .                  # short: 1,000 subscribers, 1 s
//	HUB_LOAD=full go test -run '^$' -bench LoadVsGoSSE -benchtime 1x -count 5 -timeout 0 .
//
// HUB_LOAD=full adds 10,000 subscribers, 100 publishes/s and To(one id)
// at 1,000 publishes/s, 5 s each; HUB_LOAD_DURATION sets the time. For
// each case, server=fastsse and server=go-sse report every metric of
// loadtest.Result.Report, and server=ratio reports fastsse's delivered
// events per server CPU-second over go-sse's (x-deliv/cpu-s), and for
// to-one its CPU per publish over go-sse's (x-cpu/pub, lower is better).

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/fastsse/sse/internal/loadtest"
	"github.com/fastsse/sse/internal/loadtest/hubserver"
)

func BenchmarkLoadVsGoSSE(b *testing.B) {
	full := os.Getenv("HUB_LOAD") == "full"
	d := time.Second
	if full {
		d = 5 * time.Second
	}
	if s := os.Getenv("HUB_LOAD_DURATION"); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d <= 0 {
			b.Fatalf("HUB_LOAD_DURATION=%q: want a positive duration", s)
		}
	}
	type loadCase struct {
		subs, rate int
		to         bool
	}
	cases := []loadCase{{1000, 50, false}}
	if full {
		cases = append(cases,
			loadCase{1000, 100, false},
			loadCase{10000, 50, false},
			loadCase{10000, 100, false},
			loadCase{10000, 1000, true},
		)
	}
	for _, c := range cases {
		sc := loadtest.Scenario{
			Subscribers:  c.subs,
			Rate:         c.rate,
			Duration:     d,
			To:           c.to,
			Heartbeat:    15 * time.Second,
			WriteTimeout: time.Second,
			Pad:          64,
		}
		mode := "broadcast"
		if c.to {
			mode = "to-one"
		}
		prefix := fmt.Sprintf("subs=%d/rate=%d/mode=%s", c.subs, c.rate, mode)
		results := map[string]loadtest.Result{}
		for _, server := range []string{hubserver.Name, goSSEName} {
			b.Run(prefix+"/server="+server, func(b *testing.B) {
				r, err := loadtest.Run(server, sc)
				if err != nil {
					b.Fatal(err)
				}
				r.Report(b)
				results[server] = r
			})
		}
		f, g := results[hubserver.Name], results[goSSEName]
		if f.Server == "" || g.Server == "" {
			continue // one failed, and said so
		}
		b.Run(prefix+"/server=ratio", func(b *testing.B) {
			b.ReportMetric(0, "ns/op")
			if g.DeliveredPerCPUSecond() > 0 {
				b.ReportMetric(f.DeliveredPerCPUSecond()/g.DeliveredPerCPUSecond(), "x-deliv/cpu-s")
			}
			if g.CPUPerPublish() > 0 {
				b.ReportMetric(float64(f.CPUPerPublish())/float64(g.CPUPerPublish()), "x-cpu/pub")
			}
		})
	}
}

// TestLoadServers runs a small load against each server of the load
// benchmark: every event reaches every reader once, in order.
func TestLoadServers(t *testing.T) {
	for _, server := range []string{hubserver.Name, goSSEName} {
		for _, to := range []bool{false, true} {
			sc := loadtest.Scenario{Subscribers: 20, Rate: 100, Duration: 300 * time.Millisecond, To: to, Heartbeat: 15 * time.Second, WriteTimeout: time.Second}
			r, err := loadtest.Run(server, sc)
			if err != nil {
				t.Fatalf("%s: %v", server, err)
			}
			want := r.Published * int64(sc.Subscribers)
			if to {
				want = r.Published
			}
			if r.Published == 0 || r.Delivered != want || r.Lost != 0 || r.Duplicated != 0 || r.OutOfOrder != 0 || r.Misdelivered != 0 || r.Cut != 0 {
				t.Errorf("%s, to=%v: %v; want all %d deliveries, none lost, duplicated, out of order, misdelivered or cut", server, to, r, want)
			}
		}
	}
}
