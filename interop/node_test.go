package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestNodeEventSource reads the fixture with the npm eventsource package:
// every event, in order and exactly, across a dropped connection that it
// resumes with Last-Event-ID.
func TestNodeEventSource(t *testing.T) {
	node := need(t, "node", "Node runs the npm eventsource client")
	if _, err := os.Stat(filepath.Join("node", "node_modules", "eventsource")); err != nil {
		missing(t, "npm eventsource is not installed: run npm ci in interop/node")
	}
	fs := newFixtureServer(t, "")
	args := append([]string{"node/client.mjs", fs.URL + "/events", strconv.Itoa(len(fixture))}, customTypes...)
	cmd := exec.Command(node, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The client prints each event as it is dispatched: the server cuts
	// the first connection once the client has printed what it sent.
	var got []received
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var r received
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Errorf("client printed %q: %v", sc.Text(), err)
			continue
		}
		got = append(got, r)
		if len(got) == dropAfter {
			fs.cut()
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("node client: %v\nstderr: %s", err, stderr.String())
	}
	compare(t, "npm eventsource", got, want(true))
	checkResume(t, fs)
	t.Logf("npm eventsource: Last-Event-ID per request %q; received %d events:", fs.requestIDs(), len(got))
	for i, r := range got {
		t.Logf("%2d %+q", i+1, r)
	}
}
