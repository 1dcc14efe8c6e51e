package hub_test

// The hub load benchmark: subscribers on loopback, real TCP, clients in a
// process of their own reading with the fastsse Scanner, the hub in
// another (internal/loadtest runs both, and measures).
//
//	go test -run '^$' -bench HubLoad -benchtime 1x ./hub                # short: 1,000 subscribers, 1 s each
//	HUB_LOAD=full go test -run '^$' -bench HubLoad -benchtime 1x -timeout 0 ./hub
//	HUB_LOAD=full HUB_LOAD_DURATION=10s go test -run '^$' -bench HubLoad -benchtime 1x -count 5 -timeout 0 ./hub
//
// The short set (what CI runs) has 1,000 subscribers; HUB_LOAD=full adds
// 10,000 and an idle 18,000 (close to the 20,000 open files a process may
// hold here) and publishes for 5 s per case. HUB_LOAD_DURATION sets the
// publishing time in either. Each case runs once per -count, whatever
// b.N: it reports what loadtest.Result.Report lists (pub/s, deliv/s,
// lost, p50-ms, p99-ms, deliv/cpu-s, B/sub, goroutines/sub, cut, …).
//
// Cases, as mode=…:
//
//	broadcast  every event to every subscriber
//	stalled    the same, plus one client that never reads (it must be cut
//	           within the write timeout, and the others not slowed)
//	hog        the same, with another process keeping every core busy
//	           (no healthy reader may be cut)
//	to-one     every event To one subscriber, at 1,000 publishes/s: the
//	           cost per publish (cpu-us/pub) must not grow with the
//	           subscribers it does not address
//	idle       no events, heartbeats every second (for at least 3 s)

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/fastsse/sse/internal/loadtest"
	"github.com/fastsse/sse/internal/loadtest/hubserver"
)

// Child processes of the benchmark (this test binary re-executed) become
// the hub's server process, the client fleet or the CPU hog here.
func init() {
	loadtest.Main(map[string]loadtest.NewServer{hubserver.Name: hubserver.New})
}

const (
	loadEnv         = "HUB_LOAD"          // "full": every case
	loadDurationEnv = "HUB_LOAD_DURATION" // publishing time per case
)

// loadCase is one case of the benchmark.
type loadCase struct {
	mode string
	sc   loadtest.Scenario
}

// loadCases returns the cases, each publishing for d.
func loadCases(full bool, d time.Duration) []loadCase {
	base := func(subs, rate int) loadtest.Scenario {
		return loadtest.Scenario{
			Subscribers:  subs,
			Rate:         rate,
			Duration:     d,
			Heartbeat:    15 * time.Second,
			WriteTimeout: time.Second,
			Pad:          64,
		}
	}
	with := func(sc loadtest.Scenario, f func(*loadtest.Scenario)) loadtest.Scenario { f(&sc); return sc }
	subsSet := []int{1000}
	if full {
		subsSet = append(subsSet, 10000)
	}
	var cs []loadCase
	for _, subs := range subsSet {
		cs = append(cs,
			loadCase{"broadcast", base(subs, 50)},
			loadCase{"broadcast", base(subs, 100)},
			loadCase{"stalled", with(base(subs, 50), func(s *loadtest.Scenario) { s.Stalled = true })},
			loadCase{"hog", with(base(subs, 50), func(s *loadtest.Scenario) { s.Hog = true })},
			loadCase{"to-one", with(base(subs, 1000), func(s *loadtest.Scenario) { s.To = true })},
		)
	}
	idle := 1000
	if full {
		idle = 18000
	}
	cs = append(cs, loadCase{"idle", with(base(idle, 0), func(s *loadtest.Scenario) {
		s.Heartbeat = time.Second
		s.Duration = max(d, 3*time.Second) // a hub may send a heartbeat up to a tick late
	})})
	return cs
}

func BenchmarkHubLoad(b *testing.B) {
	full := os.Getenv(loadEnv) == "full"
	d := time.Second
	if full {
		d = 5 * time.Second
	}
	if s := os.Getenv(loadDurationEnv); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d <= 0 {
			b.Fatalf("%s=%q: want a positive duration", loadDurationEnv, s)
		}
	}
	for _, c := range loadCases(full, d) {
		name := fmt.Sprintf("subs=%d/rate=%d/mode=%s", c.sc.Subscribers, c.sc.Rate, c.mode)
		b.Run(name, func(b *testing.B) {
			r, err := loadtest.Run(hubserver.Name, c.sc)
			if err != nil {
				b.Fatal(err)
			}
			r.Report(b)
		})
	}
}
