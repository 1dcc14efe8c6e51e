package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

const recordUsage = `usage: sse record [-X METHOD] [-d BODY] [-H 'Name: value']... [SRC]

sse record copies a stream's raw bytes to standard output, unchanged, so
that they can be replayed with sse cat or sse serve. SRC is an http:// or
https:// URL, or - (the default) for standard input.

A URL is requested once, as sse cat requests it (Accept: text/event-stream,
Cache-Control: no-cache), and recorded until the response ends; the
command fails without recording when the response is not a 200 with
Content-Type text/event-stream. Bytes are written as they arrive.

Flags:
`

// runRecord is the record command.
func runRecord(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("record", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprint(flags.Output(), recordUsage)
		flags.PrintDefaults()
	}
	var req requestFlags
	flags.StringVar(&req.method, "X", "", "HTTP `METHOD` (default GET, or POST with -d)")
	flags.StringVar(&req.body, "d", "", "request `BODY`")
	flags.Var(&req.headers, "H", "request header `'Name: value'` (repeatable)")
	pos, err := parseFlags(flags, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "sse record: want at most one SRC, got %d arguments\n", len(pos))
		return exitUsage
	}
	src := "-"
	if len(pos) == 1 {
		src = pos[0]
	}
	var body io.Reader
	switch {
	case src == "-":
		body = stdin
	case isURL(src):
		resp, err := openRecordURL(ctx, src, &req)
		if err != nil {
			fmt.Fprintf(stderr, "sse record: %s: %v\n", src, err)
			return exitFail
		}
		defer resp.Body.Close()
		body = resp.Body
	default:
		fmt.Fprintf(stderr, "sse record: %s: SRC must be a URL or -\n", src)
		return exitUsage
	}
	if _, err := io.Copy(stdout, body); err != nil {
		fmt.Fprintf(stderr, "sse record: %s: %v\n", src, err)
		return exitFail
	}
	return exitOK
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
