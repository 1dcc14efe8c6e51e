package interop

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// buildSSE builds the sse command into a temporary directory.
func buildSSE(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sse")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/sse").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// catJSON returns the events `sse cat --json` reads from file.
func catJSON(t *testing.T, bin, file string) []received {
	t.Helper()
	out, err := exec.Command(bin, "cat", "--json", file).Output()
	if err != nil {
		t.Fatalf("sse cat: %v", err)
	}
	var evs []received
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r received
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("sse cat printed %q: %v", line, err)
		}
		evs = append(evs, r)
	}
	return evs
}

var servingAt = regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)/`)

// startServe runs `sse serve` on file on a free loopback port and returns
// its base URL; the process is interrupted at the end of the test.
func startServe(t *testing.T, bin, file string) string {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--rate", "200", file)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("sse serve did not exit cleanly on interrupt: %v", err)
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Error("sse serve did not exit on interrupt")
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := servingAt.FindStringSubmatch(line)
	if err != nil || m == nil {
		t.Fatalf("sse serve printed %q (%v)", line, err)
	}
	return m[1]
}
