package loadtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// small is a scenario that runs in well under a second.
func small() Scenario {
	return Scenario{Subscribers: 20, Rate: 100, Duration: 300 * time.Millisecond, WriteTimeout: time.Second, Pad: 16}
}

func run(t *testing.T, server string, sc Scenario) Result {
	t.Helper()
	r, err := Run(server, sc)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	if r.Server != server || r.Scenario != sc {
		t.Errorf("result for %s %+v, want %s %+v", r.Server, r.Scenario, server, sc)
	}
	return r
}

func TestRunCountsEveryEvent(t *testing.T) {
	sc := small()
	r := run(t, "plain", sc)
	if r.Published < 1 || r.Published > int64(sc.Rate)*int64(sc.Duration)/int64(time.Second) {
		t.Errorf("published %d, want 1…%d", r.Published, sc.Rate*3/10)
	}
	if want := r.Published * int64(sc.Subscribers); r.Delivered != want {
		t.Errorf("delivered %d, want %d (every event to each of %d readers)", r.Delivered, want, sc.Subscribers)
	}
	if r.Lost != 0 || r.Duplicated != 0 || r.OutOfOrder != 0 || r.Misdelivered != 0 || r.Cut != 0 || r.Unfinished != 0 {
		t.Errorf("lost %d, dup %d, ooo %d, misdelivered %d, cut %d, unfinished %d: want none",
			r.Lost, r.Duplicated, r.OutOfOrder, r.Misdelivered, r.Cut, r.Unfinished)
	}
	if r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P99 {
		t.Errorf("latencies p50 %v, p99 %v, max %v: want 0 < p50 ≤ p99 ≤ max", r.P50, r.P99, r.Max)
	}
	if r.ServerCPU <= 0 || r.PublishSeconds <= 0 || r.DeliverSeconds <= 0 {
		t.Errorf("server CPU %vs, publishing %vs, delivering %vs: want each > 0", r.ServerCPU, r.PublishSeconds, r.DeliverSeconds)
	}
	// One goroutine per stream (net/http's), and at least its queue.
	if r.GoroutinesPerSub < 0.9 || r.HeapStackPerSub < 4096 {
		t.Errorf("%.2f goroutines and %.0f B per subscriber: want ≥ 0.9 and ≥ 4096", r.GoroutinesPerSub, r.HeapStackPerSub)
	}
}

func TestRunCountsLostEvents(t *testing.T) {
	r := run(t, "drop", small())
	if r.Published < 5 {
		t.Fatalf("published %d, want ≥ 5 to drop 3 and 5", r.Published)
	}
	if r.Lost != 2 || r.Duplicated != 0 || r.OutOfOrder != 0 {
		t.Errorf("lost %d, dup %d, ooo %d: want 2 (events 3 and 5 of c1), 0, 0", r.Lost, r.Duplicated, r.OutOfOrder)
	}
}

func TestRunCountsDuplicates(t *testing.T) {
	sc := small()
	r := run(t, "dup", sc)
	if r.Duplicated != int64(sc.Subscribers) || r.Lost != 0 {
		t.Errorf("dup %d, lost %d: want %d (event 2 twice to each), 0", r.Duplicated, r.Lost, sc.Subscribers)
	}
	if want := r.Published * int64(sc.Subscribers); r.Delivered != want {
		t.Errorf("delivered %d, want %d distinct", r.Delivered, want)
	}
}

func TestRunTo(t *testing.T) {
	sc := small()
	sc.To = true
	r := run(t, "plain", sc)
	if r.Delivered != r.Published || r.Lost != 0 || r.Misdelivered != 0 {
		t.Errorf("delivered %d of %d, lost %d, misdelivered %d: want every event to c0 alone", r.Delivered, r.Published, r.Lost, r.Misdelivered)
	}
	r = run(t, "leak", sc)
	if r.Misdelivered != r.Published || r.Delivered != r.Published {
		t.Errorf("misdelivered %d, delivered %d of %d: want every event to c0 and, wrongly, to c1", r.Misdelivered, r.Delivered, r.Published)
	}
}

func TestRunStalled(t *testing.T) {
	sc := small()
	sc.Stalled = true
	sc.WriteTimeout = 200 * time.Millisecond
	r := run(t, "plain", sc)
	if !r.StalledCut {
		t.Errorf("the stalled client was not reported cut")
	}
	if r.Lost != 0 || r.Cut != 0 || r.SlowCut != 0 {
		t.Errorf("lost %d, cut %d, slow-cut %d: the stalled client must not count among readers", r.Lost, r.Cut, r.SlowCut)
	}
}

func TestRunIdleHeartbeats(t *testing.T) {
	sc := small()
	sc.Rate = 0
	sc.Heartbeat = 50 * time.Millisecond
	r := run(t, "plain", sc)
	if r.Published != 0 || r.Delivered != 0 {
		t.Errorf("published %d, delivered %d: want an idle run", r.Published, r.Delivered)
	}
	// 300 ms at one comment every 50 ms: some arrive to every reader.
	if r.Heartbeats < int64(sc.Subscribers) {
		t.Errorf("%d heartbeats for %d readers: want at least one each", r.Heartbeats, sc.Subscribers)
	}
}

func TestRunHog(t *testing.T) {
	sc := small()
	sc.Hog = true
	r := run(t, "plain", sc)
	if r.Lost != 0 || r.Cut != 0 {
		t.Errorf("lost %d, cut %d under a CPU hog: want 0 (the queues are deep)", r.Lost, r.Cut)
	}
}

func TestRunCountsCutReaders(t *testing.T) {
	// A reader cut before its first event is measured, not fatal.
	sc := small()
	r := run(t, "cutting", sc)
	if r.Cut != 1 || r.Lost != r.Published || r.Published == 0 {
		t.Errorf("cut %d, lost %d of %d published: want c1 cut, and every event lost to it", r.Cut, r.Lost, r.Published)
	}
	if want := r.Published * int64(sc.Subscribers-1); r.Delivered != want {
		t.Errorf("delivered %d, want %d to the others", r.Delivered, want)
	}
}

func TestRunReportsFailures(t *testing.T) {
	_, err := Run("failing", small())
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("Run against a server that refuses: %v, want an error with the status", err)
	}
	_, err = Run("nosuch", small())
	if err == nil || !strings.Contains(err.Error(), `no server named "nosuch"`) {
		t.Errorf("Run with an unknown server: %v", err)
	}
	if _, err := Run("plain", Scenario{}); err == nil {
		t.Error("Run with an empty scenario: no error")
	}
}

// Run measures a server registered with Main; here the test server
// "plain", 100 subscribers offered 50 publishes a second for 2 s.
func ExampleRun() {
	r, err := Run("plain", Scenario{Subscribers: 100, Rate: 50, Duration: 2 * time.Second, WriteTimeout: time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.0f publishes/s, %d lost, p99 %v, %.0f events per server CPU-second\n",
		r.PublishesPerSec(), r.Lost, r.P99, r.DeliveredPerCPUSecond())
}
