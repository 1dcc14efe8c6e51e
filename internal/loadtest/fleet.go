package loadtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fastsse/sse"
)

// The fleet is the client process: Readers clients that read their
// streams with the fastsse Scanner, and optionally one that never reads.
//
// Protocol, fleet → server: "connected" once every client has sent its
// request; "ready" once every reader has received an event (the server
// publishes "warm" events until then, so that a server which sends its
// response headers only with the first event is measured the same way);
// "result {json}" (a fleetReport) at the end; "fail <why>" instead of any
// of them. Server → fleet, on stdin: "end <published> <to>" before the
// server publishes its "end" event, and "stop" when the readers that have
// not received it should give up.

// fleetSpec is the fleet's part of a Scenario.
type fleetSpec struct {
	Addr    string // the server's address
	Readers int
	Stalled bool
}

// fleetReport is what the fleet measured.
type fleetReport struct {
	Readers      int
	Delivered    int64 // distinct events received, summed over readers
	Lost         int64
	Duplicated   int64
	OutOfOrder   int64
	Misdelivered int64
	Heartbeats   int64
	P50, P99     int64 // ns
	Max          int64
	Last         int64 // unix ns of the last receipt of an event
	Cut          int   // streams that ended before the "end" event
	Unfinished   int   // streams still open when told to stop
	CPU          float64
}

// sourceAddrs is how many loopback source addresses (127.0.0.2, …) the
// fleet spreads its connections over: one has about 28,000 ephemeral
// ports, and connections of earlier runs may still hold some.
const sourceAddrs = 16

// reader is one reading client.
type reader struct {
	id      string
	conn    net.Conn
	req     *http.Request
	seq     sequence
	last    int64 // unix ns of its last receipt
	comment int64
	ended   bool // received the "end" event
	err     error
}

func fleetMain() error {
	var fs fleetSpec
	if err := spec(&fs); err != nil {
		return err
	}
	if err := raiseNoFile(fs.Readers + 64); err != nil {
		return err
	}
	f := &fleet{spec: fs, endInfo: make(chan endInfo, 1), stop: make(chan struct{})}
	go readStdin(f.command)
	rep, err := f.run()
	if err != nil {
		emit("fail %s", strings.ReplaceAll(err.Error(), "\n", " "))
		return err
	}
	js, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	emit("result %s", js)
	return nil
}

// endInfo is what the server says it published.
type endInfo struct {
	published int64
	to        string
}

type fleet struct {
	spec     fleetSpec
	readers  []*reader
	hist     histogram
	first    atomic.Int64 // readers that have received an event
	stopping atomic.Bool
	endInfo  chan endInfo
	stop     chan struct{}
	stopOnce sync.Once
	failOnce sync.Once
}

// command handles a line from the server.
func (f *fleet) command(line string) {
	if rest, ok := strings.CutPrefix(line, "end "); ok {
		var e endInfo
		var to string
		n, _ := fmt.Sscan(rest, &e.published, &to)
		if n >= 1 {
			e.to = to
			select {
			case f.endInfo <- e:
			default:
			}
		}
		return
	}
	if line == "stop" {
		f.stopOnce.Do(func() { close(f.stop) })
	}
}

func (f *fleet) run() (fleetReport, error) {
	if f.spec.Stalled {
		d := net.Dialer{Control: smallReceiveBuffer, Timeout: 10 * time.Second}
		c, err := d.Dial("tcp", f.spec.Addr)
		if err != nil {
			return fleetReport{}, fmt.Errorf("the stalled client: %w", err)
		}
		defer c.Close()
		if _, err := fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: loadtest\r\nAccept: text/event-stream\r\n%s: %s\r\n\r\n", IDHeader, StalledID); err != nil {
			return fleetReport{}, err
		}
		// It is never read, and closed when the fleet is done.
	}

	if err := f.connect(); err != nil {
		return fleetReport{}, err
	}
	emit("connected")

	cpu0 := cpuSeconds()
	var wg sync.WaitGroup
	for _, r := range f.readers {
		wg.Go(func() { f.read(r) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-f.stop:
		f.stopping.Store(true)
		for _, r := range f.readers {
			r.conn.Close()
		}
		<-done
	}
	var e endInfo
	select {
	case e = <-f.endInfo:
	default:
		select {
		case e = <-f.endInfo:
		case <-f.stop:
			return fleetReport{}, fmt.Errorf("stopped before the server said what it published")
		}
	}
	return f.report(e, cpuSeconds()-cpu0), nil
}

// connect opens every reader's connection and sends its request, a few at
// a time, retrying while the server's accept queue is full.
func (f *fleet) connect() error {
	f.readers = make([]*reader, f.spec.Readers)
	errs := make(chan error, len(f.readers))
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := range f.readers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			r, err := dialReader(f.spec.Addr, i)
			if err != nil {
				errs <- err
				return
			}
			f.readers[i] = r
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		for _, r := range f.readers {
			if r != nil {
				r.conn.Close()
			}
		}
		return err
	}
	return nil
}

// dialReader connects reader i from source address 127.0.0.(2 + i mod
// sourceAddrs) and sends its request.
func dialReader(addr string, i int) (*reader, error) {
	id := "c" + strconv.Itoa(i)
	d := net.Dialer{
		Timeout:   10 * time.Second,
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i%sourceAddrs))},
	}
	var conn net.Conn
	var err error
	for try := 0; ; try++ {
		if conn, err = d.Dial("tcp", addr); err == nil {
			break
		}
		if try == 50 {
			return nil, fmt.Errorf("reader %s: %w", id, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	req, err := http.NewRequest("GET", "http://"+addr+"/", nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set(IDHeader, id)
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("reader %s: %w", id, err)
	}
	return &reader{id: id, conn: conn, req: req}, nil
}

// read reads r's stream until its "end" event, or until it ends.
func (f *fleet) read(r *reader) {
	defer r.conn.Close()
	// The reader has arrived once it has received an event, or its stream
	// has ended: then it was cut, which the run measures, as it would a
	// cut later on.
	arrived := false
	arrive := func() {
		if !arrived {
			arrived = true
			if f.first.Add(1) == int64(len(f.readers)) {
				emit("ready")
			}
		}
	}
	defer arrive()
	resp, err := http.ReadResponse(bufio.NewReaderSize(r.conn, 4096), r.req)
	if err != nil {
		r.err = err
		return
	}
	// Not resp.Body.Close: it would read the rest of the stream; closing
	// the connection ends it.
	if resp.StatusCode != http.StatusOK {
		// A refusal: nothing can be measured.
		r.err = fmt.Errorf("status %s", resp.Status)
		f.failOnce.Do(func() { emit("fail reader %s: %v", r.id, r.err) })
		return
	}
	sc := sse.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 4096), sse.DefaultMaxSize)
	sc.OnComment(func([]byte) { r.comment++ })
	for sc.Next() {
		arrive()
		switch string(sc.Type()) {
		case "warm":
			continue
		case "end":
			r.ended = true
			return
		}
		now := time.Now().UnixNano()
		n, stamp, ok := parseStamp(sc.Data())
		if !ok {
			r.seq.add(0) // counted as invalid
			continue
		}
		r.seq.add(n)
		f.hist.add(now - stamp)
		r.last = now
	}
	r.err = sc.Err()
}

// parseStamp reads "<number> <unix ns> …", the data of a measured event.
func parseStamp(data []byte) (n, stamp int64, ok bool) {
	n, rest, ok := leadingInt(data)
	if !ok || len(rest) == 0 || rest[0] != ' ' {
		return 0, 0, false
	}
	stamp, _, ok = leadingInt(rest[1:])
	if !ok {
		return 0, 0, false
	}
	return n, stamp, true
}

// leadingInt parses the decimal digits at the start of b.
func leadingInt(b []byte) (v int64, rest []byte, ok bool) {
	i := 0
	for ; i < len(b) && i < 19 && '0' <= b[i] && b[i] <= '9'; i++ {
		v = v*10 + int64(b[i]-'0')
	}
	return v, b[i:], i > 0
}

func (f *fleet) report(e endInfo, cpu float64) fleetReport {
	rep := fleetReport{Readers: len(f.readers), CPU: cpu}
	for _, r := range f.readers {
		expect := e.published
		if e.to != "" && e.to != r.id {
			expect = 0
		}
		lost, unexpected := r.seq.lost(expect)
		rep.Delivered += r.seq.unique - unexpected
		rep.Lost += lost
		rep.Misdelivered += unexpected + r.seq.invalid
		rep.Duplicated += r.seq.duplicated
		rep.OutOfOrder += r.seq.outOfOrder
		rep.Heartbeats += r.comment
		rep.Last = max(rep.Last, r.last)
		switch {
		case r.ended:
		case errors.Is(r.err, net.ErrClosed) && f.stopping.Load():
			rep.Unfinished++
		default:
			rep.Cut++
		}
	}
	q, _ := f.hist.quantiles(0.5, 0.99)
	rep.P50, rep.P99, rep.Max = q[0], q[1], f.hist.max()
	return rep
}
