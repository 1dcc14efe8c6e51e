package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// TestMain removes the binary that sseBinary built.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// sseBinary builds the command once per test run and returns its path, for
// the tests whose subject is the process: signals, exit status, crashes.
func sseBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "sse-bin")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(buildDir, "sse"), ".").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err: err, out: string(out)}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "sse")
}

// startSSE starts the built command with args, with its stdout as a pipe
// and its stderr collected; the process is killed when the test ends, if
// it is still running.
func startSSE(t *testing.T, args ...string) (cmd *exec.Cmd, stdout io.ReadCloser, stderr *bytes.Buffer) {
	t.Helper()
	cmd = exec.Command(sseBinary(t), args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr = new(bytes.Buffer)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, stdout, stderr
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// lineWaiter reads lines from r in the background and lets a test wait for
// the first line containing a string.
type lineWaiter struct {
	lines chan string
	mu    sync.Mutex
	all   strings.Builder
}

func newLineWaiter(r io.Reader) *lineWaiter {
	w := &lineWaiter{lines: make(chan string, 1024)}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			w.mu.Lock()
			w.all.WriteString(sc.Text() + "\n")
			w.mu.Unlock()
			w.lines <- sc.Text()
		}
		close(w.lines)
	}()
	return w
}

// wait returns the first line (from those not yet waited past) that
// contains s, failing the test if the stream ends first.
func (w *lineWaiter) wait(t *testing.T, s string) string {
	t.Helper()
	for line := range w.lines {
		if strings.Contains(line, s) {
			return line
		}
	}
	t.Fatalf("output ended without a line containing %q; it was:\n%s", s, w.text())
	return ""
}

// text returns everything read so far.
func (w *lineWaiter) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.all.String()
}
