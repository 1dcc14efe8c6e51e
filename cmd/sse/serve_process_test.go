package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeBigRecording writes a recording far larger than the socket buffers
// between a server and a client on loopback (16 MB), so that a client that
// stops reading blocks the server's writes.
func writeBigRecording(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	line := strings.Repeat("x", 1000)
	for i := 0; b.Len() < 16<<20; i++ {
		fmt.Fprintf(&b, "id: %d\ndata: %s\n\n", i, line)
	}
	name := filepath.Join(t.TempDir(), "big.sse")
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// stalledClient opens /events at addr with a small receive buffer, reads
// the start of the stream and then never reads again.
func stalledClient(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
		return errors.Join(err, serr)
	}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET /events HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
	br := bufio.NewReaderSize(conn, 512)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the stream's start: %v", err)
		}
		if strings.HasPrefix(line, "data: ") {
			return conn // and read no more
		}
	}
}

// TestServeSIGINTWithStalledClient interrupts the real command while a
// client that has stopped reading holds a stream whose writes are blocked:
// the server must shut down at once and exit 0 (it used to wait 5 s for
// that stream, then exit 1).
func TestServeSIGINTWithStalledClient(t *testing.T) {
	rec := writeBigRecording(t)
	cmd, stdout, stderr := startSSE(t, "serve", "--addr", "127.0.0.1:0", rec)
	out := newLineWaiter(stdout)
	banner := out.wait(t, "http://")
	addr := strings.TrimSuffix(strings.Fields(banner[strings.Index(banner, "http://")+len("http://"):])[0], "/")

	stalledClient(t, addr)
	// Let the server fill the socket buffers and block in a write. This
	// wait sets the scene; nothing is asserted about time.
	time.Sleep(300 * time.Millisecond)

	exited := make(chan error, 1)
	start := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	go func() { exited <- cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	select {
	case err = <-exited:
	case <-ctx.Done():
		t.Fatalf("sse serve still running 30 s after SIGINT; stderr: %s", stderr.Bytes())
	}
	t.Logf("SIGINT to exit with a stalled client: %v (exit: %v)", time.Since(start).Round(time.Millisecond), err)
	if err != nil {
		t.Errorf("exit after SIGINT: %v; want status 0; stderr: %s", err, stderr.Bytes())
	}
}

// TestServeWriteTimeoutDropsStalledClient: with --write-timeout, a client
// that stops reading is dropped while the server goes on serving others.
func TestServeWriteTimeoutDropsStalledClient(t *testing.T) {
	checkLeaks(t)
	rec := writeBigRecording(t)
	base := startServe(t, rec, &server{writeTimeout: 50 * time.Millisecond})
	conn := stalledClient(t, strings.TrimPrefix(base, "http://"))
	// Stall for eight times the timeout; nothing is asserted about time.
	time.Sleep(400 * time.Millisecond)
	var n int64
	buf := make([]byte, 64<<10)
	for {
		k, err := conn.Read(buf)
		n += int64(k)
		if err != nil {
			break
		}
	}
	if n >= 16<<20 {
		t.Errorf("the stalled client got the whole stream (%d bytes) after its stall; want it dropped", n)
	}
	t.Logf("the stalled client, dropped, read %d more bytes of the 16 MB stream", n)
	// The server still serves a client that reads.
	if got, _ := readEvents(t, base+"/events", "", 3); len(got) != 3 {
		t.Errorf("after dropping the stalled client: %d events", len(got))
	}
}
