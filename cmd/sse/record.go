package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

// recordSynopsis is the command line of sse record, every flag in it.
const recordSynopsis = `sse record [--duration D] [-q] [-X METHOD] [-d BODY] [-H 'Name: value']... [SRC]`

const recordUsage = `usage: ` + recordSynopsis + `

sse record copies a stream's raw bytes to standard output, unchanged, so
that they can be replayed with sse cat or sse serve. SRC is an http:// or
https:// URL, or - (the default) for standard input.

A URL is requested once, as sse cat requests it (Accept: text/event-stream,
Cache-Control: no-cache), and recorded until the response ends; the
command fails without recording when the response is not a 200 with
Content-Type text/event-stream. Bytes are written as they arrive.

Recording stops when the stream ends, after --duration, or at an interrupt
(Ctrl-C) or SIGTERM; everything received until then has been written, and
the command exits 0. It then prints a summary on standard error (bytes,
events, time, why it stopped). While it records, and standard error is a
terminal, a line there shows the bytes and events so far. -q silences the
progress and the summary; errors are always reported.

Flags:
`

// runRecord is the record command.
func runRecord(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := newFlagSet("record")
	var req requestFlags
	flags.StringVar(&req.method, "X", "", "HTTP `METHOD` (default GET, or POST with -d)")
	flags.StringVar(&req.body, "d", "", "request `BODY`")
	flags.Var(&req.headers, "H", "request header `'Name: value'` (repeatable)")
	duration := flags.Duration("duration", 0, "stop recording after `D` (0: when the stream ends)")
	quiet := flags.Bool("q", false, "quiet: no progress or summary on standard error, only errors")
	pos, code, ok := parseArgs(flags, recordUsage, args, stderr)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		return usageError(stderr, "record", "want at most one SRC, got %d arguments", len(pos))
	}
	if *duration < 0 {
		return usageError(stderr, "record", "--duration must not be negative, got %v", *duration)
	}
	src := "-"
	if len(pos) == 1 {
		src = pos[0]
	}
	if src != "-" && !isURL(src) {
		return usageError(stderr, "record", "%s: SRC must be a URL or -", src)
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, *duration, errDuration)
		defer cancel()
	}
	r := newRecorder(stdout, stderr, *quiet)
	var body io.ReadCloser
	if src == "-" {
		body = io.NopCloser(stdin)
	} else {
		resp, err := openRecordURL(ctx, src, &req)
		if err != nil {
			if ctx.Err() != nil {
				// Stopped before the stream opened: nothing was recorded.
				r.summary(stopReason(ctx))
				return exitOK
			}
			fmt.Fprintf(stderr, "sse record: %s: %v\n", src, err)
			return exitFail
		}
		body = resp.Body
	}
	err := r.record(ctx, body, src != "-")
	if err != nil && ctx.Err() == nil {
		r.summary("error")
		fmt.Fprintf(stderr, "sse record: %s: %v\n", src, err)
		return exitFail
	}
	reason := "the stream ended"
	if ctx.Err() != nil {
		reason = stopReason(ctx)
	}
	r.summary(reason)
	return exitOK
}

// errDuration is the cause of the end of the recording's context when
// --duration has passed.
var errDuration = errors.New("--duration reached")

// stopReason says why ctx, the recording's, ended.
func stopReason(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), errDuration) {
		return "--duration reached"
	}
	return "interrupted"
}

// A recorder copies a stream to its output, counting bytes and events, and
// shows the counts.
//
// The copy runs in a goroutine of its own, so that an interrupt or the end
// of --duration stops the recording even while a read blocks (standard
// input cannot be interrupted). Each chunk read is written and counted
// under mu, and once stopped is set nothing more is written: what the
// summary counts is exactly what was written.
type recorder struct {
	out      io.Writer
	progress io.Writer // nil: no progress line
	status   *status   // the summary; its w is nil with -q
	start    time.Time

	mu      sync.Mutex
	stopped bool
	bytes   int64
	counter eventCounter
	shown   time.Time   // when the progress line was last drawn
	redraw  *time.Timer // draws the progress line the last write could not; nil when none is due
}

// progressEvery is the shortest time between two redraws of the progress
// line.
const progressEvery = 100 * time.Millisecond

// newRecorder returns a recorder writing to out, reporting on stderr
// unless quiet, with a progress line when stderr is a terminal.
func newRecorder(out, stderr io.Writer, quiet bool) *recorder {
	r := &recorder{out: out, status: &status{cmd: "record"}, start: time.Now()}
	if !quiet {
		r.status.w = stderr
		if isTerminal(stderr) {
			r.progress = stderr
		}
	}
	return r
}

// record copies body to the output until it ends, fails, or ctx ends.
// When wait is set, body is one that closing unblocks (a response's), and
// record returns only once the copying goroutine has.
func (r *recorder) record(ctx context.Context, body io.ReadCloser, wait bool) error {
	done := make(chan error, 1)
	go func() { done <- r.copy(body) }()
	select {
	case err := <-done:
		body.Close()
		return err
	case <-ctx.Done():
	}
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	body.Close()
	if wait {
		<-done
	}
	return nil
}

// copy reads body until it ends, writing and counting each chunk.
func (r *recorder) copy(body io.Reader) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if werr := r.write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// errStopped is returned by write once the recording has stopped.
var errStopped = errors.New("recording stopped")

// write writes and counts one chunk, and redraws the progress line, at
// most every progressEvery: a chunk that comes sooner is shown by a timer
// then, so that the line never lags behind a stream that goes quiet.
func (r *recorder) write(p []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return errStopped
	}
	if _, err := r.out.Write(p); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	r.bytes += int64(len(p))
	r.counter.Write(p)
	if r.progress == nil || r.redraw != nil {
		return nil
	}
	if wait := progressEvery - time.Since(r.shown); wait > 0 {
		r.redraw = time.AfterFunc(wait, func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.redraw = nil
			if !r.stopped {
				r.drawProgress()
			}
		})
		return nil
	}
	r.drawProgress()
	return nil
}

// drawProgress draws the progress line; mu is held.
func (r *recorder) drawProgress() {
	r.shown = time.Now()
	// \r and "erase to the end of the line": the line is redrawn in place.
	fmt.Fprintf(r.progress, "\rsse record: %s, %d %s\x1b[K", byteCount(r.bytes), r.counter.events, plural(r.counter.events, "event"))
}

// summary prints what was recorded and why it stopped.
func (r *recorder) summary(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	if r.redraw != nil {
		r.redraw.Stop()
		r.redraw = nil
	}
	if r.progress != nil && !r.shown.IsZero() {
		fmt.Fprint(r.progress, "\r\x1b[K")
	}
	r.status.printf("recorded %d %s, %d %s in %v; %s", r.bytes, plural(r.bytes, "byte"),
		r.counter.events, plural(r.counter.events, "event"), time.Since(r.start).Round(time.Millisecond), reason)
}

// byteCount formats n bytes for the progress line: 512 B, 1.5 KiB, 12.3 MiB.
func byteCount(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// isTerminal reports whether w is a terminal (a character device), where
// a progress line redrawn in place makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// errNotEventStream is the error of a response that is not an event
// stream.
var errNotEventStream = errors.New("response is not a text/event-stream")

// openRecordURL requests url and checks that the response is an event
// stream, as EventSource would.
func openRecordURL(ctx context.Context, url string, f *requestFlags) (*http.Response, error) {
	req, err := f.newRequest(ctx, url)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusOK || !strings.EqualFold(mt, "text/event-stream") {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %s, Content-Type %q: %q", errNotEventStream, resp.Status, resp.Header.Get("Content-Type"), snippet)
	}
	return resp, nil
}
