package loadtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The meter runs in the server process, with the server under test: it
// starts the fleet, publishes, and measures the server's side (its CPU
// time, its memory and goroutines per subscriber, the rate it sustained).

const (
	warmEvery   = 200 * time.Millisecond // how often "warm" is published until the fleet is ready
	primeEvents = 8                      // 1 MiB events that fill the stalled client's socket
	drainWait   = time.Minute            // how long readers may take to get "end"
)

func serverMain(servers map[string]NewServer) error {
	var ss serverSpec
	if err := spec(&ss); err != nil {
		return err
	}
	newServer, ok := servers[ss.Server]
	if !ok {
		return fmt.Errorf("no server named %q", ss.Server)
	}
	go readStdin(func(string) {})
	r, err := measure(ss.Server, newServer, ss.Scenario)
	if err != nil {
		return err
	}
	js, err := json.Marshal(r)
	if err != nil {
		return err
	}
	emit("result %s", js)
	return nil
}

// measure runs sc against the server newServer builds.
func measure(name string, newServer NewServer, sc Scenario) (res Result, err error) {
	res = Result{Server: name, Scenario: sc}
	if err := raiseNoFile(sc.Subscribers + 256); err != nil {
		return res, err
	}
	var slowCut atomic.Int64
	stalledCut := make(chan time.Time, 1)
	srv := newServer(ServerConfig{
		Heartbeat:    sc.Heartbeat,
		WriteTimeout: sc.WriteTimeout,
		OnSlow: func(id string) {
			if id != StalledID {
				slowCut.Add(1)
				return
			}
			select {
			case stalledCut <- time.Now():
			default:
			}
		},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, err
	}
	hs := &http.Server{Handler: srv}
	served := make(chan struct{})
	go func() {
		defer close(served)
		hs.Serve(ln)
	}()
	defer func() {
		srv.Close()
		hs.Close()
		<-served
	}()

	mem0, gor0 := serverUsage()
	fleet, err := startChild("fleet", fleetSpec{Addr: ln.Addr().String(), Readers: sc.Subscribers, Stalled: sc.Stalled})
	if err != nil {
		return res, err
	}
	defer func() {
		if serr := fleet.stop(time.Minute); err == nil {
			err = serr
		}
	}()
	connectTimeout := time.Minute + time.Duration(sc.Subscribers)*5*time.Millisecond
	if _, err := fleet.next("connected", connectTimeout); err != nil {
		return res, err
	}
	if err := waitReady(srv, fleet, connectTimeout); err != nil {
		return res, err
	}
	if c, ok := srv.(Counter); ok && sc.Stalled {
		if err := waitSubscribers(c, sc.Subscribers+1); err != nil {
			return res, err
		}
	}
	mem1, gor1 := serverUsage()
	res.HeapStackPerSub = float64(int64(mem1)-int64(mem0)) / float64(sc.Subscribers)
	res.GoroutinesPerSub = float64(gor1-gor0) / float64(sc.Subscribers)

	var primed time.Time
	if sc.Stalled {
		big := strings.Repeat("s", 1<<20)
		for range primeEvents {
			if err := srv.Publish("prime", big, StalledID); err != nil {
				return res, fmt.Errorf("filling the stalled client's socket: %w", err)
			}
		}
		primed = time.Now()
	}
	if sc.Hog {
		hog, err := startChild("hog", struct{}{})
		if err != nil {
			return res, err
		}
		defer hog.stop(10 * time.Second)
		if _, err := hog.next("spinning", time.Minute); err != nil {
			return res, err
		}
	}

	cpu0 := cpuSeconds()
	start := time.Now()
	to := ""
	if sc.To {
		to = "c0"
	}
	if err := publishFor(srv, sc, start, to, &res); err != nil {
		return res, err
	}
	if err := fleet.send("end %d %s", res.Published, to); err != nil {
		return res, err
	}
	if err := srv.Publish("end", "end", ""); err != nil {
		return res, err
	}
	line, err := fleet.next("result", drainWait)
	if errors.Is(err, errTimeout) {
		// Some readers never got "end": make them give up.
		if err := fleet.send("stop"); err != nil {
			return res, err
		}
		line, err = fleet.next("result", time.Minute)
	}
	if err != nil {
		return res, err
	}
	res.ServerCPU = cpuSeconds() - cpu0
	var fr fleetReport
	if err := json.Unmarshal([]byte(line), &fr); err != nil {
		return res, fmt.Errorf("fleet result %q: %w", line, err)
	}
	if fr.Readers != sc.Subscribers {
		return res, fmt.Errorf("fleet had %d readers, want %d", fr.Readers, sc.Subscribers)
	}
	res.Delivered, res.Lost, res.Duplicated = fr.Delivered, fr.Lost, fr.Duplicated
	res.OutOfOrder, res.Misdelivered, res.Heartbeats = fr.OutOfOrder, fr.Misdelivered, fr.Heartbeats
	res.P50, res.P99, res.Max = time.Duration(fr.P50), time.Duration(fr.P99), time.Duration(fr.Max)
	res.Cut, res.Unfinished, res.ClientCPU = fr.Cut, fr.Unfinished, fr.CPU
	res.SlowCut = int(slowCut.Load())
	if fr.Last > 0 {
		res.DeliverSeconds = float64(fr.Last-start.UnixNano()) / 1e9
	}
	if sc.Stalled {
		select {
		case t := <-stalledCut:
			res.StalledCut, res.StalledCutAfter = true, t.Sub(primed)
		default:
		}
	}
	return res, nil
}

// waitReady publishes "warm" events until the fleet says each reader has
// received one.
func waitReady(srv Server, fleet *child, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if err := srv.Publish("warm", "warm", ""); err != nil {
			return err
		}
		_, err := fleet.next("ready", warmEvery)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errTimeout) || time.Now().After(deadline) {
			return err
		}
	}
}

// waitSubscribers waits until c serves n streams.
func waitSubscribers(c Counter, n int) error {
	deadline := time.Now().Add(time.Minute)
	for c.Subscribers() < n {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d subscribers, want %d", c.Subscribers(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// publishFor publishes numbered, time-stamped events at sc.Rate until
// sc.Duration has passed (or, idle, waits that long), and records what it
// achieved in res. An event falls due every 1/Rate; when the server is
// behind, the next is published at once, so the rate achieved says how
// far behind it fell.
func publishFor(srv Server, sc Scenario, start time.Time, to string, res *Result) error {
	deadline := start.Add(sc.Duration)
	if sc.Rate == 0 {
		time.Sleep(sc.Duration)
		return nil
	}
	interval := time.Second / time.Duration(sc.Rate)
	pad := strings.Repeat("x", sc.Pad)
	data := make([]byte, 0, 48+sc.Pad)
	for n := int64(1); ; n++ {
		due := start.Add(time.Duration(n-1) * interval)
		if !due.Before(deadline) {
			break
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		t0 := time.Now()
		if !t0.Before(deadline) {
			break
		}
		data = strconv.AppendInt(data[:0], n, 10)
		data = append(data, ' ')
		data = strconv.AppendInt(data, t0.UnixNano(), 10)
		data = append(append(data, ' '), pad...)
		if err := srv.Publish("", string(data), to); err != nil {
			return fmt.Errorf("publish %d: %w", n, err)
		}
		res.PublishMax = max(res.PublishMax, time.Since(t0))
		res.Published = n
	}
	// The run offered sc.Duration's worth; a server that kept up took
	// that long, one that fell behind longer.
	res.PublishSeconds = max(time.Since(start), sc.Duration).Seconds()
	return nil
}

// serverUsage returns this process's heap and stacks in use, after a
// collection, and its number of goroutines.
func serverUsage() (mem uint64, goroutines int) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse, runtime.NumGoroutine()
}
