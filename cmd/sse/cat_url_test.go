package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// TestCatURLReconnects follows a stream over real HTTP: the first response
// ends, the command reconnects with Last-Event-ID, and a 204 ends the
// stream, which is a success.
func TestCatURLReconnects(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var mu sync.Mutex
	var lastIDs []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		lastIDs = append(lastIDs, r.Header.Get("Last-Event-ID"))
		n := len(lastIDs)
		mu.Unlock()
		if r.Header.Get("Accept") != "text/event-stream" {
			http.Error(w, "bad accept", http.StatusBadRequest)
			return
		}
		switch n {
		case 1:
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "retry: 1\nid: 1\ndata: a\n\nid: 2\ndata: partial")
		case 2:
			w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
			io.WriteString(w, "id: 2\ndata: b\n\n")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()

	code, out, errOut := runSSE(t, "", "cat", "--json", srv.URL)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := `{"type":"message","id":"1","data":"a"}` + "\n" + `{"type":"message","id":"2","data":"b"}` + "\n"
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if got := strings.Join(lastIDs, ","); got != ",1,2" {
		t.Errorf("Last-Event-ID headers %q, want \",1,2\"", got)
	}
}

// TestCatURLStatusError fails with the status and the start of the body,
// without reconnecting.
func TestCatURLStatusError(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		http.Error(w, "no such stream", http.StatusNotFound)
	}))
	defer srv.Close()

	code, out, errOut := runSSE(t, "", "cat", srv.URL+"/missing")
	if code != exitFail || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "404") || !strings.Contains(errOut, "no such stream") {
		t.Errorf("stderr %q does not give the status and body", errOut)
	}
	if requests != 1 {
		t.Errorf("%d requests, want 1 (no reconnect)", requests)
	}
}

// TestCatURLPostOnce sends a JSON body with headers, as to an LLM API, and
// ends with the response in --once mode.
func TestCatURLPostOnce(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || string(body) != `{"prompt":"hi"}` ||
			r.Header.Get("Authorization") != "Bearer k" || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, r.Method+" "+string(body)+" "+r.Header.Get("Content-Type"), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"token\":\"Hel\"}\n\ndata: {\"token\":\"lo\"}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()

	code, out, errOut := runSSE(t, "", "cat", "--once", "-d", `{"prompt":"hi"}`, "-H", "Authorization: Bearer k", srv.URL)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if n := strings.Count(out, "\n\n"); n != 3 || !strings.Contains(out, "[DONE]") {
		t.Errorf("stdout %q, want 3 events ending with [DONE]", out)
	}
}

func TestCatBadHeaderFlag(t *testing.T) {
	if code, _, errOut := runSSE(t, "", "cat", "-H", "no colon", "http://127.0.0.1:1/"); code != exitUsage {
		t.Errorf("exit %d, stderr %q; want usage error", code, errOut)
	}
}
