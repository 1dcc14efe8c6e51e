package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/fastsse/sse"
)

// A status reports on standard error what a command is doing, one line
// each: connecting, connected, waiting to reconnect and why, ended. It
// says nothing when w is nil (-q).
type status struct {
	cmd   string    // the command, which starts each line
	w     io.Writer // nil: quiet
	cause error     // why the last connection or attempt failed
}

// printf writes one status line.
func (s *status) printf(format string, args ...any) {
	if s.w != nil {
		fmt.Fprintf(s.w, "sse "+s.cmd+": "+format+"\n", args...)
	}
}

// connecting reports the first connection attempt.
func (s *status) connecting(target string) { s.printf("connecting to %s", target) }

// dialOptions returns the Client hooks that report connections and
// reconnections.
func (s *status) dialOptions() []sse.Option {
	return []sse.Option{
		sse.WithOnConnect(func(resp *http.Response) {
			where := ""
			if resp.Request != nil && resp.Request.URL != nil {
				where = " to " + resp.Request.URL.Redacted()
			}
			s.printf("connected%s (%s)", where, resp.Status)
		}),
		sse.WithOnDisconnect(func(err error) { s.cause = err }),
		sse.WithOnRetry(func(attempt int, delay time.Duration) {
			s.printf("retrying in %v (attempt %d) after: %v", delay.Round(time.Millisecond), attempt, plainError(s.cause))
		}),
	}
}

// ended reports the normal end of a network stream.
func (s *status) ended(events int) {
	s.printf("ended after %d %s", events, plural(int64(events), "event"))
}

// noEvent gives notice that the input named name had bytes but no event:
// most likely it is not an event stream at all (JSON, HTML, a log).
func (s *status) noEvent(name string, in *inputStats) {
	if in.n == 0 {
		return
	}
	s.printf("%s had %d %s but no event (it starts %q); an event is \"data: ...\" lines and a blank line",
		name, in.n, plural(in.n, "byte"), in.start())
}

// plural returns noun for 1 and noun+"s" otherwise.
func plural(n int64, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// plainError strips the method and URL that net/http puts before a
// transport error ("Get \"http://…\": dial tcp …"): the status lines name
// the URL already.
func plainError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// inputStats is what a source counts of its input for the notice of no
// event: how many bytes it had, and the first of them.
type inputStats struct {
	n    int64
	head []byte // up to maxHead bytes
}

// maxHead is how many bytes of the input inputStats keeps.
const maxHead = 40

// start returns the input's first line, or its first maxHead bytes.
func (in *inputStats) start() string {
	head := in.head
	for i, b := range head {
		if b == '\n' || b == '\r' {
			head = head[:i]
			break
		}
	}
	return string(head)
}

// countingReader reads from r, counting what it reads in stats.
type countingReader struct {
	r     io.Reader
	stats *inputStats
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if k := min(n, maxHead-len(c.stats.head)); k > 0 {
		c.stats.head = append(c.stats.head, p[:k]...)
	}
	c.stats.n += int64(n)
	return n, err
}
