package main

import (
	"context"
	"io"
	"iter"
	"os"
	"strings"

	"github.com/fastsse/sse"
)

// sourceOptions configures how a source is read.
type sourceOptions struct {
	maxSize int       // limit on lines and event data, for Scanner.Buffer
	stdin   io.Reader // what "-" reads
	request requestFlags
	status  *status // reports on a URL's connections
}

// A source is an opened event stream.
type source struct {
	// events yields the stream's events, then its error, if any.
	events iter.Seq2[sse.Event, error]
	// live is whether events arrive over time (a pipe, a network stream),
	// so that output should be flushed after each one.
	live bool
	// url is whether the source is a network stream.
	url bool
	// input counts the bytes of a file or standard input, once read; nil
	// for a URL.
	input *inputStats
	close func() error // nil when there is nothing to close
}

// Close releases the source.
func (s *source) Close() error {
	if s.close == nil {
		return nil
	}
	return s.close()
}

// openSource opens src, as given on the command line: "-" for stdin, an
// http:// or https:// URL, or a file path. A regular file is read as an
// sse.Recording (memory-mapped); anything else a path names (a named pipe,
// /dev/stdin, a process substitution) is read as a stream.
//
// ctx bounds the life of network sources: a URL is dialled with
// sse.Dial, which reconnects as EventSource does.
func openSource(ctx context.Context, src string, opts sourceOptions) (*source, error) {
	if src == "-" {
		return streamSource(opts.stdin, nil, opts), nil
	}
	if isURL(src) {
		return dialSource(ctx, src, opts)
	}
	fi, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		return streamSource(f, f.Close, opts), nil
	}
	rec, err := sse.OpenRecording(src)
	if err != nil {
		return nil, err
	}
	s := rec.Scanner()
	s.Buffer(nil, opts.maxSize)
	// Once the events are read without error, the whole file has been.
	input := &inputStats{n: int64(rec.Len()), head: make([]byte, min(rec.Len(), maxHead))}
	if _, err := rec.ReadAt(input.head, 0); err != nil {
		rec.Close()
		return nil, err
	}
	return &source{events: s.Events(), input: input, close: rec.Close}, nil
}

// streamSource reads events from r as they arrive.
func streamSource(r io.Reader, closeFn func() error, opts sourceOptions) *source {
	input := new(inputStats)
	s := sse.NewScanner(&countingReader{r: r, stats: input})
	s.Buffer(nil, opts.maxSize)
	return &source{events: s.Events(), live: true, input: input, close: closeFn}
}

// dialSource connects to url; Dial returns the first connection's
// failure, such as a 404, at once.
func dialSource(ctx context.Context, url string, opts sourceOptions) (*source, error) {
	req, err := opts.request.newRequest(ctx, url)
	if err != nil {
		return nil, err
	}
	dialOpts := []sse.Option{sse.WithMaxSize(opts.maxSize)}
	if opts.request.lastID != "" {
		dialOpts = append(dialOpts, sse.WithLastEventID(opts.request.lastID))
	}
	dialOpts = append(dialOpts, reconnectOptions(req.Method, &opts.request)...)
	if opts.status != nil {
		dialOpts = append(dialOpts, opts.status.dialOptions()...)
		opts.status.connecting(req.URL.Redacted())
	}
	c, err := sse.Dial(req, dialOpts...)
	if err != nil {
		return nil, err
	}
	return &source{events: c.Events(), live: true, url: true, close: c.Close}, nil
}

// isURL reports whether src is an http or https URL rather than a path.
func isURL(src string) bool {
	lower := strings.ToLower(src)
	return strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
}
