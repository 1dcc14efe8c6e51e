package interop

import (
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
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node client: %v\nstderr: %s", err, stderr.String())
	}
	var got []received
	for _, line := range lines(&stdout) {
		var r received
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("client printed %q: %v", line, err)
		}
		got = append(got, r)
	}
	compare(t, "npm eventsource", got, want(true))
	checkResume(t, fs)
	t.Logf("npm eventsource received %d events; Last-Event-ID per request: %q", len(got), fs.requestIDs())
}
