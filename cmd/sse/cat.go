package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/fastsse/sse"
)

// catSynopsis is the command line of sse cat, every flag in it.
const catSynopsis = `sse cat [--json] [--max-size N] [-q] [-X METHOD] [-d BODY] [-H 'Name: value']... [--last-event-id ID] [--once | --reconnect] SRC`

const catUsage = `usage: ` + catSynopsis + `

sse cat prints the events the stream SRC dispatches, as a browser's
EventSource would receive them. SRC is the path of a file holding a
recorded stream, - to read standard input, or an http:// or https:// URL.

A URL is requested like curl -N would, with Accept: text/event-stream, and
a GET is followed as EventSource follows it: when the connection ends or
breaks, sse cat reconnects, sending Last-Event-ID, after the delay the
server set with retry. It exits 0 when the server ends the stream with 204
No Content (or, with --once, when the response ends), and 1 with the status
and the start of the body when the server answers anything but a
text/event-stream 200. -d sends a body (POST unless -X says otherwise;
application/json when it looks like JSON and no -H sets Content-Type).

A request whose method is not GET (a POST, as -d makes) is sent once: its
stream ends with its response, as with --once, since sending it again may
repeat its effect (a new, billed generation from an LLM API, say).
--reconnect makes it reconnect like a GET, sending the body again.

For a URL, sse cat reports on standard error what it does: connecting,
connected, each wait before reconnecting with the error that caused it,
and the end of the stream. When a file or standard input holds bytes but
no event (JSON or HTML, say), a notice says so. -q silences both; errors
are always reported.

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
	flags := newFlagSet("cat")
	jsonOut := flags.Bool("json", false, `print each event as one JSON object {"type":…,"id":…,"data":…} per line`)
	maxSize := flags.Int("max-size", sse.DefaultMaxSize, "accept lines and event data of up to `N` bytes")
	quiet := flags.Bool("q", false, "quiet: no status reports or notices on standard error, only errors")
	var req requestFlags
	flags.StringVar(&req.method, "X", "", "HTTP `METHOD` for a URL (default GET, or POST with -d)")
	flags.StringVar(&req.body, "d", "", "request `BODY` for a URL")
	flags.Var(&req.headers, "H", "request header `'Name: value'` for a URL (repeatable)")
	flags.StringVar(&req.lastID, "last-event-id", "", "resume a URL stream after this `ID`")
	flags.BoolVar(&req.oneShot, "once", false, "for a URL: end when the response ends instead of reconnecting (LLM APIs)")
	flags.BoolVar(&req.reconnect, "reconnect", false, "for a URL: reconnect, sending the request again, even when its method is not GET")
	pos, code, ok := parseArgs(flags, catUsage, args, stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(stderr, "cat", "want one SRC, got %d arguments", len(pos))
	}
	if *maxSize <= 0 {
		return usageError(stderr, "cat", "--max-size must be positive, got %d", *maxSize)
	}
	if req.oneShot && req.reconnect {
		return usageError(stderr, "cat", "--once and --reconnect exclude each other")
	}

	name := pos[0]
	st := &status{cmd: "cat"}
	if !*quiet {
		st.w = stderr
	}
	src, err := openSource(ctx, name, sourceOptions{maxSize: *maxSize, stdin: stdin, request: req, status: st})
	if err != nil {
		fmt.Fprintf(stderr, "sse cat: %s: %v\n", name, pathless(err))
		return exitFail
	}
	defer src.Close()
	if name == "-" {
		name = "standard input"
	}

	p := newPrinter(stdout, *jsonOut)
	events := 0
	for ev, err := range src.events {
		if err != nil {
			p.flush() // what was read before the error is still printed
			fmt.Fprintf(stderr, "sse cat: %s: %v\n", name, pathless(err))
			if errors.Is(err, sse.ErrTooLong) {
				fmt.Fprintf(stderr, "sse cat: the limit is %d bytes; raise it with --max-size\n", *maxSize)
			}
			return exitFail
		}
		events++
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
	if src.url {
		st.ended(events)
	} else if events == 0 && src.input != nil {
		st.noEvent(name, src.input)
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
