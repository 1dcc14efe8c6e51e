package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// TestCatStatusLines follows a URL whose first response ends after one
// event and whose second is a 204: stderr tells each step, in order, and
// -q silences it all.
func TestCatStatusLines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		n := requests
		mu.Unlock()
		if n%2 == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "retry: 1\ndata: a\n\n")
	}))
	defer srv.Close()

	code, out, errOut := runSSE(t, "", "cat", srv.URL+"/s")
	if code != exitOK || out != "event: message\na\n\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	want := []string{
		"sse cat: connecting to " + srv.URL + "/s",
		"sse cat: connected to " + srv.URL + "/s (200 OK)",
		"sse cat: retrying in ", // the delay, the attempt and the error follow
		"sse cat: ended after 1 event",
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("stderr:\n%s\nwant %d lines like:\n%s", errOut, len(want), strings.Join(want, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("stderr line %d: %q; want it to start %q", i+1, lines[i], w)
		}
	}
	if !strings.Contains(lines[2], " (attempt ") || !strings.HasSuffix(lines[2], ") after: sse: server closed the stream: EOF") {
		t.Errorf("the retry line %q does not say why", lines[2])
	}

	code, out, errOut = runSSE(t, "", "cat", "-q", srv.URL+"/s")
	if code != exitOK || out != "event: message\na\n\n" || errOut != "" {
		t.Errorf("-q: exit %d, stdout %q, stderr %q; want 0, the event, nothing", code, out, errOut)
	}
}

// TestCatClosedPortReportsRetries runs the real command against a port
// where nothing listens: it used to retry in silence; now it says it is
// connecting and, at once, why and when it retries.
func TestCatClosedPortReportsRetries(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/events"
	ln.Close() // nothing listens there now

	cmd := exec.Command(sseBinary(t), "cat", url)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	lines := newLineWaiter(stderr)
	if got := lines.wait(t, "sse cat:"); got != "sse cat: connecting to "+url {
		t.Errorf("first line %q", got)
	}
	retry := lines.wait(t, "retrying")
	if !strings.HasPrefix(retry, "sse cat: retrying in ") || !strings.Contains(retry, "connection refused") {
		t.Errorf("retry line %q; want the delay and the error", retry)
	}
	t.Log(retry)
}

// TestCatNoEventNotice feeds input that is not an event stream: a notice
// says so (with how it starts), on stdin and from a file; -q silences it,
// and a stream with events, or an empty one, gets none.
func TestCatNoEventNotice(t *testing.T) {
	const jsonIn = `{"error":{"message":"invalid key"}}` + "\n"
	const htmlIn = "<!DOCTYPE html>\n<html><body>Not Found</body></html>\n"
	for _, tc := range []struct {
		in, src, want string
	}{
		{jsonIn, "-", `sse cat: standard input had 36 bytes but no event (it starts "{\"error\":{\"message\":\"invalid key\"}}"); an event is "data: ..." lines and a blank line` + "\n"},
		{htmlIn, "file", `had 52 bytes but no event (it starts "<!DOCTYPE html>")`},
		{"data: never dispatched", "-", `had 22 bytes but no event (it starts "data: never dispatched")`},
		{"data: x\n\n", "-", ""},
		{"", "-", ""},
	} {
		src := tc.src
		if src == "file" {
			src = writeFile(t, tc.in)
		}
		code, out, errOut := runSSE(t, tc.in, "cat", src)
		if code != exitOK || (tc.want == "" && errOut != "") || !strings.Contains(errOut, tc.want) {
			t.Errorf("cat %q: exit %d, stderr %q; want 0 and %q", tc.in, code, errOut, tc.want)
		}
		if tc.want != "" && out != "" {
			t.Errorf("cat %q: stdout %q", tc.in, out)
		}
		if _, _, errOut := runSSE(t, tc.in, "cat", "-q", src); errOut != "" {
			t.Errorf("cat -q %q: stderr %q; want nothing", tc.in, errOut)
		}
	}
}

// TestCatPostSendsOnce: a POST (-X POST, or -d) whose stream ends normally
// is not sent again; --reconnect sends it again, body and all, as a GET
// reconnects.
func TestCatPostSendsOnce(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Method+" "+string(b))
		n := len(bodies)
		mu.Unlock()
		if n > 1 {
			w.WriteHeader(http.StatusNoContent) // ends a reconnecting client
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "retry: 1\ndata: generated\n\n")
	}))
	defer srv.Close()

	for _, tc := range []struct {
		args []string
		want []string // the requests the server saw
	}{
		{[]string{"-X", "POST"}, []string{"POST "}},
		{[]string{"-d", `{"prompt":"hi"}`}, []string{`POST {"prompt":"hi"}`}},
		{[]string{"-X", "put", "-d", "x"}, []string{"PUT x"}},
		{[]string{"--reconnect", "-d", `{"prompt":"hi"}`}, []string{`POST {"prompt":"hi"}`, `POST {"prompt":"hi"}`}},
		// A GET reconnects, as always: TestCatURLReconnects.
	} {
		mu.Lock()
		bodies = nil
		mu.Unlock()
		args := append(append([]string{"cat", "-q"}, tc.args...), srv.URL)
		code, out, errOut := runSSE(t, "", args...)
		if code != exitOK || out != "event: message\ngenerated\n\n" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		mu.Lock()
		if strings.Join(bodies, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q: the server saw %q; want %q", args, bodies, tc.want)
		}
		mu.Unlock()
	}
}
