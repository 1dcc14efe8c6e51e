package loadtest

import (
	"fmt"
	"net/http"
	"time"
)

// IDHeader is the request header in which each client of the fleet sends
// its subscriber ID: "c0", "c1", … for the readers, StalledID for the
// stalled one. A Server must address events to it by this ID.
const IDHeader = "X-Loadtest-Id"

// StalledID is the subscriber ID of the client that never reads.
const StalledID = "stalled"

// A Scenario is one load to put on a server.
type Scenario struct {
	// Subscribers is the number of reading clients.
	Subscribers int
	// Rate is the number of publishes offered per second, each numbered
	// and stamped with its publish time; 0 publishes nothing (idle).
	Rate int
	// Duration is how long the publisher publishes (or, idle, waits).
	Duration time.Duration
	// To publishes every event to the first subscriber ("c0") alone,
	// instead of to every subscriber.
	To bool
	// Stalled adds one client that never reads, with a small receive
	// buffer, and fills its socket before the run starts.
	Stalled bool
	// Hog keeps every core busy with another process during the run.
	Hog bool
	// Heartbeat is the server's heartbeat interval (0: none).
	Heartbeat time.Duration
	// WriteTimeout is the server's write timeout (0: none).
	WriteTimeout time.Duration
	// Pad is the number of bytes of padding in each event's data, after
	// its number and time stamp.
	Pad int
}

// A Server is the server under test, as the meter drives it: an
// http.Handler whose every request is a subscriber.
type Server interface {
	http.Handler
	// Publish sends an event of type typ (empty: "message") with data
	// to every subscriber, or, when to is not empty, only to the
	// subscribers whose IDHeader is to.
	Publish(typ, data, to string) error
	// Close ends every stream; the meter calls it once, at the end.
	Close()
}

// A Counter is a Server that can tell how many streams it serves; the
// meter then waits for the stalled subscriber to be registered before it
// fills its socket.
type Counter interface {
	Subscribers() int
}

// ServerConfig is what a NewServer function is given.
type ServerConfig struct {
	Heartbeat    time.Duration // heartbeat interval; 0: none
	WriteTimeout time.Duration // write timeout; 0: none
	// OnSlow must be called with the subscriber's ID when the server
	// ends a stream because its client was too slow (where the server
	// can tell); it may be called from any goroutine.
	OnSlow func(id string)
}

// A NewServer function builds the server under test.
type NewServer func(ServerConfig) Server

// Result is what one run of a Scenario measured. Counts about events
// cover the reading clients only (never the stalled one).
type Result struct {
	Server   string
	Scenario Scenario

	Published      int64   // events published during the run
	PublishSeconds float64 // how long publishing took
	PublishMax     time.Duration

	Delivered      int64   // distinct events received, summed over readers
	DeliverSeconds float64 // from the first publish to the last receipt
	Lost           int64   // events published to a reader and not received
	Duplicated     int64   // events received again
	OutOfOrder     int64   // events received after a later one
	Misdelivered   int64   // events received by a reader they were not for
	Heartbeats     int64   // comments received, summed over readers, from connecting to the end

	P50, P99, Max time.Duration // publish→receive latency

	ServerCPU float64 // seconds of CPU, user+system, of the server process during the run
	ClientCPU float64 // the same for the client process

	HeapStackPerSub  float64 // bytes: HeapInuse+StackInuse growth after GC, per subscriber
	GoroutinesPerSub float64

	Cut        int // readers whose stream ended before the run did
	SlowCut    int // readers the server reported ending as slow
	Unfinished int // readers still waiting for the end when told to stop

	StalledCut      bool          // the server ended the stalled stream as slow
	StalledCutAfter time.Duration // how long after its socket was filled
}

// PublishesPerSec returns the publish rate achieved.
func (r Result) PublishesPerSec() float64 { return per(float64(r.Published), r.PublishSeconds) }

// DeliveredPerSec returns the events delivered to readers per second.
func (r Result) DeliveredPerSec() float64 { return per(float64(r.Delivered), r.DeliverSeconds) }

// DeliveredPerCPUSecond returns the events delivered per second of the
// server's CPU time.
func (r Result) DeliveredPerCPUSecond() float64 { return per(float64(r.Delivered), r.ServerCPU) }

// CPUPerPublish returns the server's CPU time per event published.
func (r Result) CPUPerPublish() time.Duration {
	if r.Published == 0 {
		return 0
	}
	return time.Duration(r.ServerCPU / float64(r.Published) * 1e9)
}

func per(n, d float64) float64 {
	if d <= 0 {
		return 0
	}
	return n / d
}

// A MetricReporter is a *testing.B.
type MetricReporter interface {
	ReportMetric(n float64, unit string)
}

// Report reports r as benchmark metrics, in units benchstat can compare:
// pub/s, deliv/s, lost, dup, ooo, misdeliv, p50-ms, p99-ms, max-ms,
// deliv/cpu-s, cpu-s, client-cpu-s, cpu-us/pub, B/sub, goroutines/sub, cut, slow-cut,
// unfinished and, with a stalled client, stalled-cut and stalled-cut-ms;
// idle, hb/sub (comments per reader over its whole stream, warm-up
// included: a check that heartbeats flow, not a rate). It suppresses ns/op, which means nothing here.
func (r Result) Report(b MetricReporter) {
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	b.ReportMetric(0, "ns/op")
	if r.Scenario.Rate > 0 {
		b.ReportMetric(r.PublishesPerSec(), "pub/s")
		b.ReportMetric(r.DeliveredPerSec(), "deliv/s")
		b.ReportMetric(float64(r.Lost), "lost")
		b.ReportMetric(float64(r.Duplicated), "dup")
		b.ReportMetric(float64(r.OutOfOrder), "ooo")
		b.ReportMetric(float64(r.Misdelivered), "misdeliv")
		b.ReportMetric(ms(r.P50), "p50-ms")
		b.ReportMetric(ms(r.P99), "p99-ms")
		b.ReportMetric(ms(r.Max), "max-ms")
		b.ReportMetric(r.DeliveredPerCPUSecond(), "deliv/cpu-s")
		b.ReportMetric(float64(r.CPUPerPublish())/1e3, "cpu-us/pub")
	} else {
		b.ReportMetric(float64(r.Heartbeats)/float64(max(r.Scenario.Subscribers, 1)), "hb/sub")
	}
	b.ReportMetric(r.ServerCPU, "cpu-s")
	b.ReportMetric(r.ClientCPU, "client-cpu-s")
	b.ReportMetric(r.HeapStackPerSub, "B/sub")
	b.ReportMetric(r.GoroutinesPerSub, "goroutines/sub")
	b.ReportMetric(float64(r.Cut), "cut")
	b.ReportMetric(float64(r.SlowCut), "slow-cut")
	b.ReportMetric(float64(r.Unfinished), "unfinished")
	if r.Scenario.Stalled {
		if r.StalledCut {
			b.ReportMetric(1, "stalled-cut")
			b.ReportMetric(ms(r.StalledCutAfter), "stalled-cut-ms")
		} else {
			b.ReportMetric(0, "stalled-cut")
		}
	}
}

// String returns the result as one line, for logs.
func (r Result) String() string {
	return fmt.Sprintf("%s subs=%d rate=%d: %.1f pub/s, %.0f deliv/s, lost %d, dup %d, ooo %d, misdeliv %d, p50 %v, p99 %v, max %v, "+
		"%.0f deliv/cpu-s (cpu %.2fs), %.0f B/sub, %.2f goroutines/sub, cut %d, slow-cut %d, unfinished %d, hb %d, stalled cut %v after %v",
		r.Server, r.Scenario.Subscribers, r.Scenario.Rate, r.PublishesPerSec(), r.DeliveredPerSec(),
		r.Lost, r.Duplicated, r.OutOfOrder, r.Misdelivered, r.P50, r.P99, r.Max,
		r.DeliveredPerCPUSecond(), r.ServerCPU, r.HeapStackPerSub, r.GoroutinesPerSub,
		r.Cut, r.SlowCut, r.Unfinished, r.Heartbeats, r.StalledCut, r.StalledCutAfter)
}
