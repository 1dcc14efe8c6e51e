package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fastsse/sse"
	"github.com/fastsse/sse/hub"
	"github.com/fastsse/sse/hub/redis/redistest"
	"go.uber.org/goleak"
)

// startHub serves hs on a loopback port and returns its base URL; it
// shuts down at the end of the test (the returned function does it
// earlier, and returns serve's error).
func startHub(t *testing.T, hs *hubServer) (string, func() error) {
	t.Helper()
	if hs.stderr == nil {
		hs.stderr = io.Discard
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- hs.serve(ctx, ln) }()
	var err2 error
	stopped := false
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			err2 = <-done
		}
		return err2
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), stop
}

// newTestHub returns a hubServer in memory with publish token "secret".
func newTestHub(topics, ids bool, healthy func() error) *hubServer {
	opts := []hub.Option{hub.WithAutoIDs(), hub.WithReplay(100, 0)}
	if topics {
		opts = append(opts, hub.WithTopics(topicsFromQuery))
	}
	if ids {
		opts = append(opts, hub.WithSubscriberID(func(r *http.Request) string { return r.URL.Query().Get("id") }))
	}
	hs := &hubServer{hub: hub.New(opts...), topics: topics, ids: ids, healthy: healthy}
	hs.token = sha([]byte("secret"))
	return hs
}

// postPublish posts body to base/publish with token (none if "") and
// returns the status and the decoded JSON answer.
func postPublish(t *testing.T, base, token, body string) (int, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/publish", strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]string
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// subscribe opens base/events?query and returns a scanner over it; the
// stream is registered once this returns.
func subscribe(t *testing.T, base, query, lastID string) *sse.Scanner {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/events?"+query, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET /events: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	return sse.NewScanner(resp.Body)
}

// next returns the next event of s as type, id, data.
func next(t *testing.T, s *sse.Scanner) (string, string, string) {
	t.Helper()
	if !s.Next() {
		t.Fatalf("stream ended: %v", s.Err())
	}
	return string(s.Type()), string(s.ID()), string(s.Data())
}

func TestHubPublish(t *testing.T) {
	noLeaks(t)
	base, _ := startHub(t, newTestHub(false, false, nil))
	s := subscribe(t, base, "", "")

	for _, c := range []struct {
		token, body string
		status      int
	}{
		{"", `{"data":"x"}`, 401},
		{"wrong", `{"data":"x"}`, 401},
		{"secret ", `{"data":"x"}`, 200}, // surrounding space is not part of the token
		{"secret", `{"data":`, 400},
		{"secret", `{"data":"x","extra":1}`, 400},
		{"secret", `{"data":""}`, 400},
		{"secret", `{"type":"a\nb","data":"x"}`, 400},
		{"secret", `{"data":"x","topics":["t"]}`, 400}, // no --topics-from-query
		{"secret", `{"data":"x","to":["ann"]}`, 400},   // no --ids-from-query
		{"secret", `{"data":"x"} {"data":"y"}`, 400},
	} {
		status, m := postPublish(t, base, c.token, c.body)
		if status != c.status {
			t.Errorf("token %q body %q: %d %v, want %d", c.token, c.body, status, m, c.status)
		}
		if status != 200 && m["error"] == "" {
			t.Errorf("token %q body %q: %d without an error message", c.token, c.body, status)
		}
	}
	// The one accepted publish arrives with the id the publisher got.
	status, m := postPublish(t, base, "secret", `{"type":"price","data":"line one\nline two"}`)
	if status != 200 || m["id"] == "" {
		t.Fatalf("publish: %d %v", status, m)
	}
	if typ, id, data := next(t, s); typ != "message" || data != "x" {
		t.Errorf("first event %q %q %q", typ, id, data)
	}
	if typ, id, data := next(t, s); typ != "price" || id != m["id"] || data != "line one\nline two" {
		t.Errorf("event %q %q %q; want price, id %q, two lines", typ, id, data, m["id"])
	}
}

func TestHubTargets(t *testing.T) {
	noLeaks(t)
	base, _ := startHub(t, newTestHub(true, true, nil))
	ann := subscribe(t, base, "id=ann&topic=news", "")
	bob := subscribe(t, base, "id=bob&topic=*", "")
	anon := subscribe(t, base, "", "")
	for _, body := range []string{
		`{"data":"to ann","to":["ann"]}`,
		`{"data":"to nobody","to":[]}`,
		`{"data":"sports","topics":["sports"]}`,
		`{"data":"no topic","topics":[]}`,
		`{"data":"news","topics":["news"]}`,
		`{"data":"presence","ephemeral":true}`,
		`{"data":"all"}`,
	} {
		if status, m := postPublish(t, base, "secret", body); status != 200 {
			t.Fatalf("%s: %d %v", body, status, m)
		}
	}
	for _, c := range []struct {
		name string
		s    *sse.Scanner
		want []string
	}{
		{"ann", ann, []string{"to ann", "news", "presence", "all"}},
		{"bob", bob, []string{"sports", "news", "presence", "all"}},
		{"anonymous", anon, []string{"presence", "all"}},
	} {
		for _, w := range c.want {
			if _, _, data := next(t, c.s); data != w {
				t.Errorf("%s got %q, want %q (in %q)", c.name, data, w, c.want)
				break
			}
		}
	}
}

func TestHubResume(t *testing.T) {
	noLeaks(t)
	base, _ := startHub(t, newTestHub(false, false, nil))
	var ids []string
	for _, d := range []string{"a", "b", "c"} {
		_, m := postPublish(t, base, "secret", `{"data":"`+d+`"}`)
		ids = append(ids, m["id"])
	}
	s := subscribe(t, base, "", ids[0])
	for _, w := range []string{"b", "c"} {
		if _, _, data := next(t, s); data != w {
			t.Fatalf("resumed after a: %q, want %q", data, w)
		}
	}
	s = subscribe(t, base, "", "unknown")
	if typ, id, _ := next(t, s); typ != hub.ResetEvent || id != ids[2] {
		t.Errorf("unknown id: %q %q, want a reset carrying %q", typ, id, ids[2])
	}
}

func TestHubHealthz(t *testing.T) {
	noLeaks(t)
	var down error
	base, _ := startHub(t, newTestHub(false, false, func() error { return down }))
	get := func() int {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(); got != 200 {
		t.Errorf("healthy: %d", got)
	}
	down = errors.New("engine away")
	if got := get(); got != 503 {
		t.Errorf("unhealthy: %d", got)
	}
}

// Shutting down ends the streams (the client sees the end of its
// response) and serve returns.
func TestHubShutdown(t *testing.T) {
	noLeaks(t)
	base, stop := startHub(t, newTestHub(false, false, nil))
	s := subscribe(t, base, "", "")
	done := make(chan bool)
	go func() { done <- s.Next() }()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if <-done {
		t.Error("an event after shutdown")
	}
}

func TestHubCommandLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  string
		code int
		want string
	}{
		{[]string{"hub", "--help"}, "", exitOK, "POST /publish"},
		{[]string{"hub", "--addr", "127.0.0.1:0", "extra"}, "", exitUsage, "unexpected arguments"},
		{[]string{"hub", "--addr", "127.0.0.1:0"}, "", exitUsage, "refusing to start without a publish token"},
		{[]string{"hub", "--addr", ":0", "--open-publish"}, "", exitUsage, "refusing to start"},
		{[]string{"hub", "--addr", "0.0.0.0:0", "--open-publish"}, "", exitUsage, "refusing to start"},
		{[]string{"hub", "--addr", "127.0.0.1:0", "--replay", "-1", "--publish-token", "x"}, "", exitUsage, "--replay"},
		{[]string{"hub", "--addr", "256.0.0.1:0", "--publish-token", "x"}, "", exitFail, "sse hub:"},
		{[]string{"hub", "--addr", "256.0.0.1:0"}, "from-env", exitFail, "sse hub:"},
	} {
		t.Setenv("SSE_PUBLISH_TOKEN", c.env)
		var stdout, stderr bytes.Buffer
		code := run(c.args, strings.NewReader(""), &stdout, &stderr)
		if code != c.code || !strings.Contains(stdout.String()+stderr.String(), c.want) {
			t.Errorf("%q: exit %d, output %q%q; want exit %d and %q", c.args, code, stdout.String(), stderr.String(), c.code, c.want)
		}
	}
	for addr, want := range map[string]bool{"127.0.0.1:1": true, "[::1]:1": true, "localhost:1": true, ":1": false, "0.0.0.0:1": false, "10.0.0.1:1": false, "example.com:1": false} {
		if got := loopbackOnly(addr); got != want {
			t.Errorf("loopbackOnly(%q) = %v", addr, got)
		}
	}
}

var listeningOn = regexp.MustCompile(`listening on (http://\S+) `)

// startHubProcess runs the sse binary's hub command with args and returns
// its base URL and the process; the process gets SIGTERM at the end of the
// test, and must exit cleanly.
func startHubProcess(t *testing.T, bin string, env []string, args ...string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"hub", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	r := bufio.NewReader(stderr)
	line, err := r.ReadString('\n')
	go func() {
		io.Copy(io.Discard, r)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("sse hub did not exit cleanly on SIGTERM: %v", err)
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Error("sse hub did not exit on SIGTERM")
		}
	})
	m := listeningOn.FindStringSubmatch(line)
	if err != nil || m == nil {
		t.Fatalf("sse hub printed %q (%v)", line, err)
	}
	return m[1], cmd
}

// The real command: a subscriber on a running `sse hub` gets what is
// published, and SIGTERM shuts it down gracefully, ending the stream.
func TestHubProcess(t *testing.T) {
	bin := sseBinary(t)
	base, cmd := startHubProcess(t, bin, []string{"SSE_PUBLISH_TOKEN=secret"})
	s := subscribe(t, base, "", "")
	status, m := postPublish(t, base, "secret", `{"type":"greeting","data":"hello"}`)
	if status != 200 {
		t.Fatalf("publish: %d %v", status, m)
	}
	if typ, id, data := next(t, s); typ != "greeting" || id != m["id"] || data != "hello" {
		t.Errorf("got %q %q %q", typ, id, data)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if s.Next() {
		t.Errorf("an event after SIGTERM: %q", s.Data())
	}
}

func sha(b []byte) []byte {
	sum := sha256.Sum256(b)
	return sum[:]
}

// noLeaks checks, after the test and its cleanups, that it left no
// goroutine behind.
func noLeaks(t *testing.T) {
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) })
}

// Two `sse hub` processes on one Redis: what is published on one reaches
// the subscribers of the other with the same id, a client resumes on the
// other instance, and while Redis is down both answer 503 to /healthz and
// /publish, then recover.
func TestHubProcessesOnRedis(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	bin := sseBinary(t)
	env := []string{"SSE_PUBLISH_TOKEN=secret"}
	a, _ := startHubProcess(t, bin, env, "--redis", srv.URL(), "--name", "e2e")
	b, _ := startHubProcess(t, bin, env, "--redis", srv.URL(), "--name", "e2e")
	s := subscribe(t, b, "", "")
	status, m := postPublish(t, a, "secret", `{"type":"greeting","data":"from a"}`)
	if status != 200 {
		t.Fatalf("publish on a: %d %v", status, m)
	}
	if typ, id, data := next(t, s); typ != "greeting" || id != m["id"] || data != "from a" {
		t.Fatalf("b's subscriber got %q %q %q; want greeting %q from a", typ, id, data, m["id"])
	}
	_, m2 := postPublish(t, b, "secret", `{"data":"from b"}`)
	// A client that saw a's event resumes on a after it.
	r := subscribe(t, a, "", m["id"])
	if _, id, data := next(t, r); id != m2["id"] || data != "from b" {
		t.Errorf("resumed on a: %q %q; want %q from b", id, data, m2["id"])
	}

	health := func(base string) int {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitHealth := func(base string, want int) {
		deadline := time.Now().Add(20 * time.Second)
		for health(base) != want {
			if time.Now().After(deadline) {
				t.Fatalf("%s/healthz stays %d, want %d", base, health(base), want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitHealth(a, 200)
	srv.Kill()
	if status, m := postPublish(t, a, "secret", `{"data":"lost"}`); status != 503 {
		t.Errorf("publish while Redis is down: %d %v, want 503", status, m)
	}
	waitHealth(a, 503)
	waitHealth(b, 503)
	srv.Restart()
	waitHealth(a, 200)
	waitHealth(b, 200)
	// Redis came back empty: the subscribers are told, and go on.
	if typ, id, data := next(t, s); typ != "message" || id != m2["id"] || data != "from b" {
		t.Errorf("b's subscriber got %q %q %q, want its own publish %q", typ, id, data, m2["id"])
	}
	if typ, _, _ := next(t, s); typ != hub.ResetEvent {
		t.Errorf("after Redis lost its data: %q, want a reset", typ)
	}
	status, m = postPublish(t, a, "secret", `{"data":"again"}`)
	if status != 200 {
		t.Fatalf("publish after the restart: %d %v", status, m)
	}
	if _, id, data := next(t, s); id != m["id"] || data != "again" {
		t.Errorf("after the restart: %q %q", id, data)
	}
}
