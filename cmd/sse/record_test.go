package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// raw is a stream whose bytes must survive recording unchanged: a BOM, CR
// and CRLF line ends, a comment, invalid UTF-8 and an unterminated tail.
const raw = "\uFEFFretry: 5\r\n: hi\rid: 1\ndata: a\xff\r\n\r\ndata: tail"

func TestRecordStdin(t *testing.T) {
	code, out, errOut := runSSE(t, raw, "record")
	if code != exitOK || out != raw {
		t.Fatalf("exit %d, stderr %q, stdout %q", code, errOut, out)
	}
}

func TestRecordURL(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/events" {
			http.Error(w, "gone away", http.StatusGone)
			return
		}
		if r.Header.Get("Accept") != "text/event-stream" || r.Header.Get("X-Key") != "k" {
			http.Error(w, "headers", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, raw)
	}))
	defer srv.Close()

	code, out, errOut := runSSE(t, "", "record", "-H", "X-Key: k", srv.URL+"/events")
	if code != exitOK || out != raw {
		t.Fatalf("exit %d, stderr %q, stdout %q", code, errOut, out)
	}
	code, out, errOut = runSSE(t, "", "record", srv.URL+"/old")
	if code != exitFail || out != "" || !strings.Contains(errOut, "410") || !strings.Contains(errOut, "gone away") {
		t.Fatalf("410: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestRecordUsage(t *testing.T) {
	for _, args := range [][]string{{"record", "a", "b"}, {"record", "file.sse"}} {
		if code, _, _ := runSSE(t, "", args...); code != exitUsage {
			t.Errorf("%q: exit %d", args, code)
		}
	}
}

// TestRecordSummary: after recording, a summary on stderr counts the bytes
// and events (as the Scanner would dispatch them) and says why it stopped;
// -q silences it; stderr that is not a terminal gets no progress line.
func TestRecordSummary(t *testing.T) {
	in := "data: a\n\n: c\n\ndata: b\r\n\r\n"
	code, out, errOut := runSSE(t, in, "record")
	if code != exitOK || out != in {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.HasPrefix(errOut, "sse record: recorded 25 bytes, 2 events in ") ||
		!strings.HasSuffix(errOut, "; the stream ended\n") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("stderr %q; want one summary line", errOut)
	}
	if code, out, errOut := runSSE(t, in, "record", "-q"); code != exitOK || out != in || errOut != "" {
		t.Errorf("-q: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// stallingServer sends the chunks of head, each one flushed, a few
// milliseconds apart, and then keeps the stream open, sending nothing,
// until the client goes.
func stallingServer(t *testing.T, head ...string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, chunk := range head {
			io.WriteString(w, chunk)
			w.(http.Flusher).Flush()
			time.Sleep(5 * time.Millisecond)
		}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestRecordDuration stops a live stream after --duration, with what
// arrived written out and exit status 0.
func TestRecordDuration(t *testing.T) {
	checkLeaks(t)
	const head = "id: 1\ndata: a\n\nid: 2\ndata: b\n\n"
	srv := stallingServer(t, head)
	code, out, errOut := runSSE(t, "", "record", "--duration", "300ms", srv.URL)
	if code != exitOK || out != head {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and %q", code, out, errOut, head)
	}
	if !strings.Contains(errOut, "recorded 30 bytes, 2 events in ") || !strings.HasSuffix(errOut, "; --duration reached\n") {
		t.Errorf("stderr %q", errOut)
	}
	if code, _, errOut := runSSE(t, "", "record", "--duration", "-1s", srv.URL); code != exitUsage {
		t.Errorf("--duration -1s: exit %d, stderr %q", code, errOut)
	}
}
