package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"

	"github.com/fastsse/sse"
)

const catUsage = `usage: sse cat [--json] [--max-size N] [-X METHOD] [-d BODY] [-H 'Name: value']... [--once] SRC

sse cat prints the events the stream SRC dispatches, as a browser's
EventSource would receive them. SRC is the path of a file holding a
recorded stream, - to read standard input, or an http:// or https:// URL.

A URL is requested like curl -N would, with Accept: text/event-stream, and
the stream is followed as EventSource follows it: when the connection ends
or breaks, sse cat reconnects, sending Last-Event-ID, after the delay the
server set with retry. It exits 0 when the server ends the stream with 204
No Content (or, with --once, when the response ends), and 1 with the status
and the start of the body when the server answers anything but a
text/event-stream 200. -d sends a body (POST unless -X says otherwise;
application/json when it looks like JSON and no -H sets Content-Type), sent
again on each reconnect.

By default each event is printed as a header line, its data (verbatim; data
of several lines as several lines), and a blank line:

	event: message  id: 7
	{"text":"hi"}

The header always names the event type ("message" when the stream set none)
and adds "id: ..." when the last event ID is not empty. Comments and retry
fields are not printed.

With --json each event is printed as one line holding one JSON object, with
exactly these keys in this order:

	{"type":"message","id":"7","data":"{\"text\":\"hi\"}"}

where id is the last event ID in effect ("" when none has been set).

Output is written after each event when reading standard input or another
pipe (so "tail -f log.sse | sse cat -" is live) and in large blocks for
files.

Flags:
`

// runCat is the cat command.
func runCat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("cat", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprint(flags.Output(), catUsage)
		flags.PrintDefaults()
	}
	jsonOut := flags.Bool("json", false, `print each event as one JSON object {"type":…,"id":…,"data":…} per line`)
	maxSize := flags.Int("max-size", sse.DefaultMaxSize, "accept lines and event data of up to `N` bytes")
	var req requestFlags
	flags.StringVar(&req.method, "X", "", "HTTP `METHOD` for a URL (default GET, or POST with -d)")
	flags.StringVar(&req.body, "d", "", "request `BODY` for a URL")
	flags.Var(&req.headers, "H", "request header `'Name: value'` for a URL (repeatable)")
	flags.StringVar(&req.lastID, "last-event-id", "", "resume a URL stream after this `ID`")
	flags.BoolVar(&req.oneShot, "once", false, "for a URL: end when the response ends instead of reconnecting (LLM APIs)")
	pos, err := parseFlags(flags, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "sse cat: want one SRC, got %d arguments\nusage: sse cat [--json] [--max-size N] [-X METHOD] [-d BODY] [-H 'Name: value']... [--once] SRC\n", len(pos))
		return exitUsage
	}
	if *maxSize <= 0 {
		fmt.Fprintf(stderr, "sse cat: --max-size must be positive, got %d\n", *maxSize)
		return exitUsage
	}

	name := pos[0]
	src, err := openSource(ctx, name, sourceOptions{maxSize: *maxSize, stdin: stdin, request: req})
	if err != nil {
		fmt.Fprintf(stderr, "sse cat: %s: %v\n", name, pathless(err))
		return exitFail
	}
	defer src.Close()
	if name == "-" {
		name = "standard input"
	}

	p := newPrinter(stdout, *jsonOut)
	for ev, err := range src.events {
		if err != nil {
			p.flush() // what was read before the error is still printed
			fmt.Fprintf(stderr, "sse cat: %s: %v\n", name, pathless(err))
			if errors.Is(err, sse.ErrTooLong) {
				fmt.Fprintf(stderr, "sse cat: the limit is %d bytes; raise it with --max-size\n", *maxSize)
			}
			return exitFail
		}
		p.print(ev)
		if src.live {
			p.flush()
		}
		if p.err != nil {
			break
		}
	}
	if err := p.flush(); err != nil {
		fmt.Fprintf(stderr, "sse cat: writing output: %v\n", err)
		return exitFail
	}
	return exitOK
}

// pathless strips the operation and path from a *fs.PathError, as the
// caller names the source itself: "missing.sse: no such file or directory",
// not "missing.sse: stat missing.sse: no such file or directory".
func pathless(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
