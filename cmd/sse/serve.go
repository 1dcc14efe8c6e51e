package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/fastsse/sse"
)

// serveSynopsis is the command line of sse serve, every flag in it.
const serveSynopsis = `sse serve [--addr ADDR] [--rate N] [--heartbeat D] [--retry D] [--write-timeout D] [--max-size N] FILE`

const serveUsage = `usage: ` + serveSynopsis + `

sse serve replays the events of a recorded stream as a live SSE endpoint,
so that a browser, or any client, can be pointed at a recording.

	/events   the stream: each event of FILE re-encoded with the fastsse
	          Writer, with its id; a retry field first; a client that
	          reconnects with Last-Event-ID resumes after the event that set
	          that id (from the start when no event did); once the
	          recording is exhausted the stream stays open, idle
	/         a page that shows the events live, as EventSource sees them
	/types    the event types of the recording, as a JSON array

While a stream is idle (between paced events, or at the end) it sends a
comment every --heartbeat, as servers do to keep proxies from closing idle
connections. A client that has not taken a write after --write-timeout is
dropped. An interrupt (or SIGTERM) shuts the server down at once, ending
every stream, even one whose client has stopped reading, and exits 0.

Flags:
`

//go:embed page.html
var pageHTML []byte

// runServe is the serve command.
func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	flags := newFlagSet("serve")
	addr := flags.String("addr", "127.0.0.1:8080", "listen on `ADDR`")
	rate := flags.Float64("rate", 0, "send at most `N` events per second (0: as fast as the client reads)")
	heartbeat := flags.Duration("heartbeat", 15*time.Second, "send a comment after `D` of silence")
	retry := flags.Duration("retry", 0, "reconnection time to send (default: the recording's retry, else 3s)")
	maxSize := flags.Int("max-size", sse.DefaultMaxSize, "accept lines and event data of up to `N` bytes")
	writeTimeout := flags.Duration("write-timeout", 10*time.Second, "drop a client that has not taken a write after `D` (0: never)")
	pos, code, ok := parseArgs(flags, serveUsage, args, stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(stderr, "serve", "want one FILE, got %d arguments", len(pos))
	}
	if *rate < 0 || *heartbeat <= 0 || *retry < 0 || *writeTimeout < 0 {
		return usageError(stderr, "serve", "--rate, --retry and --write-timeout must not be negative, --heartbeat must be positive")
	}
	rec, err := loadRecording(pos[0], *maxSize)
	if err != nil {
		fmt.Fprintf(stderr, "sse serve: %s: %v\n", pos[0], pathless(err))
		return exitFail
	}
	sv := &server{rec: rec, rate: *rate, heartbeat: *heartbeat, retry: *retry, writeTimeout: *writeTimeout}
	return listenAndServe(ctx, "sse serve", *addr, stderr, func(a net.Addr) {
		fmt.Fprintf(stdout, "sse serve: %d events of %s at http://%s/ (stream at /events)\n", len(rec.events), pos[0], a)
	}, sv.serve)
}

// recording is a recorded stream read into memory.
type recording struct {
	events []sse.Event // ID is the last event ID in effect for the event
	types  []string    // the distinct types, in order of appearance
	retry  time.Duration
}

// loadRecording reads every event of the named file.
func loadRecording(name string, maxSize int) (*recording, error) {
	f, err := sse.OpenRecording(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := f.Scanner()
	s.Buffer(nil, maxSize)
	rec := &recording{retry: 3 * time.Second}
	seen := map[string]bool{}
	for ev, err := range s.Events() {
		if err != nil {
			return nil, err
		}
		rec.events = append(rec.events, ev)
		if !seen[ev.Type] {
			seen[ev.Type] = true
			rec.types = append(rec.types, ev.Type)
		}
	}
	if d, ok := s.Retry(); ok {
		rec.retry = d
	}
	return rec, nil
}

// resume returns the index of the first event to send to a client whose
// last event ID is lastID: the one after the event that set that id. An
// event that set no id of its own carries the id before it, so such events
// after the one that set it are sent again: a client may see an event
// twice, but never misses one.
func (rec *recording) resume(lastID string) int {
	if lastID == "" {
		return 0
	}
	prev := ""
	for i, ev := range rec.events {
		if ev.ID == lastID && ev.ID != prev {
			return i + 1
		}
		prev = ev.ID
	}
	return 0
}

// server serves a recording.
type server struct {
	rec       *recording
	rate      float64 // events per second; 0: unpaced
	heartbeat time.Duration
	retry     time.Duration // 0: the recording's
	// writeTimeout is how long one write to a client may take; 0: no limit.
	writeTimeout time.Duration
}

// handler returns the server's routes.
func (sv *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(pageHTML)
	})
	mux.HandleFunc("GET /types", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(sv.rec.types)
	})
	mux.HandleFunc("GET /events", sv.stream)
	return mux
}

// serve serves on ln until ctx is done, then ends every stream and
// returns. Streams end with ctx at once, even one blocked writing to a
// client that does not read (see writeDeadline), so shutting down takes no
// longer than the slowest handler of a plain request.
func (sv *server) serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           sv.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	// Streams end with ctx (it is their requests' base context).
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if e := <-done; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// stream sends the recording to one client.
func (sv *server) stream(w http.ResponseWriter, r *http.Request) {
	deadline := newWriteDeadline(w, r, sv.writeTimeout)
	defer deadline.release()
	deadline.arm()
	sw, err := sse.NewStream(w)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	retry := sv.retry
	if retry == 0 {
		retry = sv.rec.retry
	}
	deadline.arm()
	if sw.Retry(retry) != nil {
		return
	}
	lastID := r.Header.Get("Last-Event-ID")
	events := sv.rec.events[sv.rec.resume(lastID):]

	var interval time.Duration
	if sv.rate > 0 {
		interval = time.Duration(float64(time.Second) / sv.rate)
	}
	idle := time.NewTimer(sv.heartbeat)
	defer idle.Stop()
	next := time.NewTimer(0) // when the next event may go
	defer next.Stop()
	for {
		var ready <-chan time.Time
		if len(events) > 0 {
			ready = next.C
		}
		select {
		case <-r.Context().Done():
			return
		case <-idle.C:
			deadline.arm()
			if sw.Comment("heartbeat") != nil {
				return
			}
			idle.Reset(sv.heartbeat)
		case <-ready:
			ev := events[0]
			events = events[1:]
			deadline.arm()
			if sendRecorded(sw, ev, lastID) != nil {
				return
			}
			lastID = ev.ID
			next.Reset(interval)
			idle.Reset(sv.heartbeat)
		}
	}
}

// sendRecorded writes ev, with an id field only where the recorded stream
// changed the last event ID (an empty one to clear it).
func sendRecorded(sw *sse.Writer, ev sse.Event, lastID string) error {
	out := sse.Event{Data: ev.Data}
	if ev.Type != sse.DefaultType {
		out.Type = ev.Type
	}
	if ev.ID != lastID {
		if ev.ID == "" {
			sw.SetAutoFlush(false)
			err := sw.Field(sse.FieldID, "")
			sw.SetAutoFlush(true)
			if err != nil {
				return err
			}
		}
		out.ID = ev.ID
	}
	return sw.Send(out)
}
