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
// at 1,000 publishes/s, 5 s each; HUB_LOAD_DURATION sets the time. Each
// case runs both servers, in turn (the order alternates with -count), and
// reports every metric of loadtest.Result.Report for each, as
// fastsse-<unit> and go-sse-<unit>, and their ratios: fastsse's delivered
// events per server CPU-second over go-sse's (x-deliv/cpu-s, higher is
// better for fastsse), and its CPU time per publish over go-sse's
// (x-cpu/pub, lower is better). A ratio is only ever taken between two
// runs of the same -count, so benchstat's median of it is a median of
// paired ratios.

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
		name := fmt.Sprintf("subs=%d/rate=%d/mode=%s", c.subs, c.rate, mode)
		runs := 0
		b.Run(name, func(b *testing.B) {
			// Both servers, one after the other, in the order that
			// alternates from one -count to the next.
			servers := []string{hubserver.Name, goSSEName}
			if runs++; runs%2 == 0 {
				servers[0], servers[1] = servers[1], servers[0]
			}
			results := map[string]loadtest.Result{}
			for _, server := range servers {
				r, err := loadtest.Run(server, sc)
				if err != nil {
					b.Fatalf("%s: %v", server, err)
				}
				results[server] = r
			}
			f, g := results[hubserver.Name], results[goSSEName]
			b.ReportMetric(0, "ns/op")
			f.Report(prefixed{b, "fastsse-"})
			g.Report(prefixed{b, "go-sse-"})
			if g.DeliveredPerCPUSecond() > 0 {
				b.ReportMetric(f.DeliveredPerCPUSecond()/g.DeliveredPerCPUSecond(), "x-deliv/cpu-s")
			}
			if g.CPUPerPublish() > 0 {
				b.ReportMetric(float64(f.CPUPerPublish())/float64(g.CPUPerPublish()), "x-cpu/pub")
			}
		})
	}
}

// prefixed reports metrics under units with a prefix, and drops ns/op.
type prefixed struct {
	b      *testing.B
	prefix string
}

func (p prefixed) ReportMetric(n float64, unit string) {
	if unit != "ns/op" {
		p.b.ReportMetric(n, p.prefix+unit)
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
