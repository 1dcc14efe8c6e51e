package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
