package hub

// The hub load benchmark: N subscribers on loopback, real TCP, real HTTP
// clients reading with the root Scanner, a steady publish rate.
//
//	go test -run '^$' -bench HubLoad ./hub                    # 1s of publishing per case
//	HUB_LOAD_DURATION=10s go test -run '^$' -bench HubLoad ./hub
//
// Each case publishes for a fixed duration: HUB_LOAD_DURATION if set, else
// -benchtime when it is a duration (default 1s), else 1s (so -benchtime 1x,
// as CI runs it, publishes for 1s). b.N is not used: a case runs once, and
// ns/op is suppressed. Reported, per case:
//
//	p50-ms, p99-ms, max-ms  publish→receive latency over every event every
//	                        reading client received (the stalled one excluded)
//	events/s                events delivered to the reading clients per second
//	pub/s                   the publish rate achieved
//	lost                    events published but not received by a reading client
//	B/sub, goroutines/sub   the server process's growth (HeapInuse+StackInuse
//	                        after GC; runtime.NumGoroutine) per subscriber
//	slow-disconnects        reading clients the hub disconnected as slow
//	stalled-disconnected    (stalled=true) 1 if the stalled one was
//	                        disconnected with ErrSlow during the run
//	stalled-detect-ms       how long after its socket filled that took
//
// The clients run in a child process (this test binary re-executed as
// TestLoadClientProcess with HUB_LOAD_CLIENT set), so that the server's
// memory and goroutines are measured alone and each process needs only
// one descriptor per connection. Both processes share the machine's cores:
// the latencies include the clients' scheduling.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fastsse/sse"
)

// loadCases are the subscriber counts and publish rates: 100 000
// deliveries a second for 100 and 1000 subscribers, 50 000 for 10 000,
// which a shared 2-core machine running both the server and the clients
// sustains (at 10 publishes a second to 10 000 subscribers it kept up
// only when the machine was otherwise idle: each publish's fan-out takes
// 100-400 ms of both cores).
var loadCases = []struct{ subs, rate int }{
	{100, 1000},
	{1000, 100},
	{10000, 5},
}

const (
	loadClientEnv   = "HUB_LOAD_CLIENT"   // "addr subs capacity": run as the client fleet
	loadDurationEnv = "HUB_LOAD_DURATION" // publishing time per case
	loadProtoPrefix = "hubload "          // prefix of the child's protocol lines
	loadPad         = 64                  // bytes of padding in each event's data
	loadWriteTO     = time.Second         // the hub's write timeout, in every case
	loadRoleHeader  = "X-Load-Role"       // "stalled" marks the stalled subscriber
)

// loadResult is what the client fleet reports when every client is done.
type loadResult struct {
	Clients  int   // clients that connected
	Events   int64 // events received, "end" excluded
	Ended    int   // clients whose stream ended before the "end" event
	P50, P99 int64 // latencies, ns
	Max      int64
	Last     int64 // unix ns of the last receive
}

func BenchmarkHubLoad(b *testing.B) {
	dur := loadDuration(b)
	for _, c := range loadCases {
		for _, stalled := range []bool{false, true} {
			b.Run(fmt.Sprintf("subs=%d/stalled=%v", c.subs, stalled), func(b *testing.B) {
				benchLoad(b, c.subs, c.rate, stalled, dur)
			})
		}
	}
}

// loadDuration returns how long each case publishes for.
func loadDuration(b *testing.B) time.Duration {
	if s := os.Getenv(loadDurationEnv); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			b.Fatalf("%s=%q: want a positive duration", loadDurationEnv, s)
		}
		return d
	}
	if f := flag.Lookup("test.benchtime"); f != nil {
		if d, err := time.ParseDuration(f.Value.String()); err == nil && d > 0 {
			return d
		}
	}
	return time.Second
}

func benchLoad(b *testing.B, subs, rate int, stalled bool, dur time.Duration) {
	raiseNoFile(b, uint64(subs)+256)

	var slow atomic.Int64
	stalledGone := make(chan time.Time, 1)
	h := New(
		WithSubscriberID(func(r *http.Request) string { return r.Header.Get(loadRoleHeader) }),
		WithWriteTimeout(loadWriteTO),
		WithOnDisconnect(func(s Subscriber, reason error) {
			if !errors.Is(reason, ErrSlow) {
				return
			}
			if s.ID == "stalled" {
				stalledGone <- time.Now()
			} else {
				slow.Add(1)
			}
		}),
	)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve(ln)
	}()
	b.Cleanup(func() {
		h.Close()
		srv.Close()
		<-served
	})

	mem0, gor0 := serverUsage()

	// The client fleet.
	expect := int(dur.Seconds()*float64(rate)) + 16
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadClientProcess$", "-test.bench=^$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d %d", loadClientEnv, ln.Addr(), subs, expect))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	ready := make(chan struct{})
	result := make(chan loadResult, 1)
	var other bytes.Buffer // the child's other output, for errors
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), loadProtoPrefix)
			switch {
			case !ok:
				other.WriteString(sc.Text() + "\n")
			case line == "ready":
				close(ready)
			default:
				var r loadResult
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "result ")), &r); err != nil {
					other.WriteString(sc.Text() + "\n")
					continue
				}
				result <- r
			}
		}
	}()
	waited := false
	wait := func() error {
		if waited {
			return nil
		}
		waited = true
		<-readDone
		return cmd.Wait()
	}
	childFailed := func(what string) {
		cmd.Process.Kill()
		err := wait()
		b.Fatalf("%s: client process: %v\n%s%s", what, err, other.String(), stderr.String())
	}
	b.Cleanup(func() {
		if !waited {
			cmd.Process.Kill()
			wait()
		}
	})
	select {
	case <-ready:
	case <-readDone:
		childFailed("connecting")
	case <-time.After(2 * time.Minute):
		childFailed("connecting: timed out")
	}
	if !waitLoadClients(h, subs) {
		b.Fatalf("%d subscribers, want %d", h.Clients(), subs)
	}
	mem1, gor1 := serverUsage()

	var primed time.Time
	if stalled {
		c := dialStalled(b, ln.Addr().String())
		b.Cleanup(func() { c.Close() })
		if !waitLoadClients(h, subs+1) {
			b.Fatalf("%d subscribers, want %d", h.Clients(), subs+1)
		}
		// Fill its socket buffers at once, with events to it alone, so
		// that its stream is stalled in a write for the whole run: more
		// than the largest send buffer (tcp_wmem, 4 MiB by default) and
		// its small receive buffer hold.
		big := sse.Event{Data: strings.Repeat("s", 1<<20)}
		for range 8 {
			if err := h.Publish(big, To("stalled")); err != nil {
				b.Fatal(err)
			}
		}
		primed = time.Now()
	}

	// Publish at a steady rate; each event carries its publish time. A
	// few rounds of warm-up events (of type "warm", not measured) first
	// let the streams' goroutines grow their stacks and buffers.
	interval := time.Second / time.Duration(rate)
	for range 3 {
		if err := h.Publish(sse.Event{Type: "warm", Data: "warm"}); err != nil {
			b.Fatal(err)
		}
		time.Sleep(interval)
	}
	pad := strings.Repeat("x", loadPad)
	data := make([]byte, 0, 32+loadPad)
	published := 0
	var pubMax time.Duration // the longest Publish call
	b.ResetTimer()
	start := time.Now()
	for i := 0; ; i++ {
		at := time.Duration(i) * interval
		if at >= dur {
			break
		}
		if d := time.Until(start.Add(at)); d > 0 {
			time.Sleep(d)
		}
		t0 := time.Now()
		data = strconv.AppendInt(data[:0], t0.UnixNano(), 10)
		data = append(append(data, ' '), pad...)
		if err := h.Publish(sse.Event{Data: string(data)}); err != nil {
			b.Fatal(err)
		}
		pubMax = max(pubMax, time.Since(t0))
		published++
	}
	pubTime := time.Since(start)
	if err := h.Publish(sse.Event{Type: "end", Data: "end"}); err != nil {
		b.Fatal(err)
	}
	var r loadResult
	select {
	case r = <-result:
	case <-readDone:
		childFailed("reading")
	case <-time.After(time.Minute):
		childFailed("reading: timed out")
	}
	b.StopTimer()
	if err := wait(); err != nil {
		b.Fatalf("client process: %v\n%s%s", err, other.String(), stderr.String())
	}
	if r.Clients != subs {
		b.Fatalf("%d clients connected, want %d", r.Clients, subs)
	}

	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(r.P50), "p50-ms")
	b.ReportMetric(ms(r.P99), "p99-ms")
	b.ReportMetric(ms(r.Max), "max-ms")
	b.ReportMetric(float64(r.Events)/(float64(r.Last-start.UnixNano())/1e9), "events/s")
	b.ReportMetric(float64(published)/pubTime.Seconds(), "pub/s")
	b.ReportMetric(ms(int64(pubMax)), "publish-max-ms")
	b.ReportMetric(float64(int64(published)*int64(subs)-r.Events), "lost")
	b.ReportMetric(float64(int64(mem1)-int64(mem0))/float64(subs), "B/sub")
	b.ReportMetric(float64(gor1-gor0)/float64(subs), "goroutines/sub")
	b.ReportMetric(float64(slow.Load()), "slow-disconnects")
	b.ReportMetric(float64(r.Ended), "ended-early")
	if stalled {
		select {
		case t := <-stalledGone:
			b.ReportMetric(1, "stalled-disconnected")
			b.ReportMetric(ms(int64(t.Sub(primed))), "stalled-detect-ms")
		default:
			b.ReportMetric(0, "stalled-disconnected")
		}
	}
}

// serverUsage returns this process's heap and stack in use, after a
// collection, and its number of goroutines.
func serverUsage() (mem uint64, goroutines int) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse, runtime.NumGoroutine()
}

// waitLoadClients waits until h serves n streams.
func waitLoadClients(h *Hub, n int) bool {
	deadline := time.Now().Add(time.Minute)
	for h.Clients() != n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// raiseNoFile raises the soft limit on open files to the hard limit, and
// fails when that is less than need.
func raiseNoFile(tb testing.TB, need uint64) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		tb.Fatal(err)
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			tb.Fatal(err)
		}
	}
	if l.Cur < need {
		tb.Fatalf("the open-file limit is %d, want at least %d: raise it (ulimit -n)", l.Cur, need)
	}
}

// dialStalled opens a stream whose client never reads, with a small
// receive buffer, set before connecting so the window stays small.
func dialStalled(tb testing.TB, addr string) net.Conn {
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
		return errors.Join(err, serr)
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: load\r\n%s: stalled\r\n\r\n", loadRoleHeader); err != nil {
		c.Close()
		tb.Fatal(err)
	}
	return c
}

// TestLoadClientProcess is the client fleet of BenchmarkHubLoad when the
// benchmark runs this binary with HUB_LOAD_CLIENT set; otherwise it does
// nothing.
func TestLoadClientProcess(t *testing.T) {
	spec := os.Getenv(loadClientEnv)
	if spec == "" {
		t.Log("not a load-benchmark client process: nothing to do")
		return
	}
	var addr string
	var subs, capacity int
	if _, err := fmt.Sscan(spec, &addr, &subs, &capacity); err != nil {
		t.Fatalf("%s=%q: %v", loadClientEnv, spec, err)
	}
	raiseNoFile(t, uint64(subs)+64)
	r, err := runLoadClients(addr, subs, capacity, func() { fmt.Printf("%sready\n", loadProtoPrefix) })
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(r)
	fmt.Printf("%sresult %s\n", loadProtoPrefix, out)
}

// loadClient is one subscriber of the fleet.
type loadClient struct {
	conn  net.Conn
	body  io.Reader
	lats  []int64 // publish→receive, ns; preallocated
	last  int64   // unix ns of the last receive
	ended bool    // the stream ended before "end"
}

// runLoadClients connects subs clients to addr, calls ready once all have
// their response headers, reads every stream until its "end" event, and
// returns the latencies.
func runLoadClients(addr string, subs, capacity int, ready func()) (loadResult, error) {
	clients := make([]*loadClient, subs)
	// Connect with limited concurrency, retrying briefly: the accept
	// backlog may be full.
	errs := make(chan error, subs)
	sem := make(chan struct{}, 32)
	var connected sync.WaitGroup
	for i := range clients {
		connected.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; connected.Done() }()
			c, err := connectLoadClient(addr, capacity)
			if err != nil {
				errs <- err
				return
			}
			clients[i] = c
		}()
	}
	connected.Wait()
	close(errs)
	if err := <-errs; err != nil {
		for _, c := range clients {
			if c != nil {
				c.conn.Close()
			}
		}
		return loadResult{}, err
	}
	ready()

	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(c.read)
	}
	wg.Wait()

	r := loadResult{Clients: subs}
	n := 0
	for _, c := range clients {
		n += len(c.lats)
	}
	all := make([]int64, 0, n)
	for _, c := range clients {
		all = append(all, c.lats...)
		r.Last = max(r.Last, c.last)
		if c.ended {
			r.Ended++
		}
	}
	r.Events = int64(len(all))
	if len(all) > 0 {
		slices.Sort(all)
		r.P50 = all[len(all)/2]
		r.P99 = all[len(all)*99/100]
		r.Max = all[len(all)-1]
	}
	return r, nil
}

func connectLoadClient(addr string, capacity int) (*loadClient, error) {
	var conn net.Conn
	var err error
	for try := 0; ; try++ {
		conn, err = net.DialTimeout("tcp", addr, 10*time.Second)
		if err == nil {
			break
		}
		if try == 50 {
			return nil, err
		}
		time.Sleep(20 * time.Millisecond)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
	req.Header.Set("Accept", "text/event-stream")
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(conn, 4096), req)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	return &loadClient{conn: conn, body: resp.Body, lats: make([]int64, 0, capacity)}, nil
}

// read reads the stream with the Scanner until its "end" event, recording
// the latency of each event.
func (c *loadClient) read() {
	defer c.conn.Close()
	sc := sse.NewScanner(c.body)
	sc.Buffer(make([]byte, 4096), sse.DefaultMaxSize)
	for sc.Next() {
		switch string(sc.Type()) {
		case "end":
			return
		case "warm":
			continue
		}
		now := time.Now().UnixNano()
		var ts int64
		for _, d := range sc.Data() {
			if d < '0' || d > '9' {
				break
			}
			ts = ts*10 + int64(d-'0')
		}
		c.lats = append(c.lats, now-ts)
		c.last = now
	}
	c.ended = true
}
