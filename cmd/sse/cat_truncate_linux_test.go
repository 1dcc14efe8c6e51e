package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCatFileTruncatedUnderIt truncates the file the real command is
// reading (through its memory mapping): the command must report an error
// and exit 1, where it used to die of SIGBUS.
func TestCatFileTruncatedUnderIt(t *testing.T) {
	name := writeBigRecording(t) // 16 MB: far more than cat reads ahead
	cmd, stdout, stderr := startSSE(t, "cat", "--json", name)
	// cat blocks writing once the pipe is full, far from the end of the
	// file; cut the file under it then.
	out := bufio.NewReader(stdout)
	if _, err := out.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(name, 0); err != nil {
		t.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, out)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitFail {
		t.Fatalf("sse cat of a file truncated under it: %v; want exit status 1 (stderr starts %q)", err, stderr.Bytes()[:min(stderr.Len(), 200)])
	}
	want := "sse cat: " + name + ": sse: recording truncated while mapped: unexpected EOF\n"
	if stderr.String() != want {
		t.Errorf("stderr %q; want %q", stderr.Bytes(), want)
	}
	t.Logf("%d bytes of output after the truncation, then %q", n, strings.TrimSpace(stderr.String()))
}
