package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal and returns its controlling side and
// the terminal a process can be given, with the standard library only.
func openPTY(t *testing.T) (ctl, term *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { ctl.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ctl.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ctl.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("ptsname: %v", e)
	}
	term, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	return ctl, term
}

// ptyReader collects what is written to a terminal.
type ptyReader struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (p *ptyReader) run(ctl *os.File) {
	b := make([]byte, 4096)
	for {
		n, err := ctl.Read(b)
		p.mu.Lock()
		p.buf.Write(b[:n])
		p.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (p *ptyReader) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}

// TestRecordProgressAndInterrupt runs the real command with its stderr on
// a terminal: a progress line shows the bytes and events so far; Ctrl-C
// (SIGINT) stops it with everything received written, a summary, and exit
// status 0.
func TestRecordProgressAndInterrupt(t *testing.T) {
	// The events come in chunks, closer together than the progress line
	// is redrawn: the last is shown all the same once the stream is quiet.
	chunks := []string{"id: 1\ndata: a\n\nid: 2\n", "data: b\n\n: heartbeat\n\n", "id: 3\ndata: c\n\n"}
	head := strings.Join(chunks, "")
	srv := stallingServer(t, chunks...)
	ctl, term := openPTY(t)
	var screen ptyReader
	go screen.run(ctl)

	outName := filepath.Join(t.TempDir(), "rec.sse")
	outFile, err := os.Create(outName)
	if err != nil {
		t.Fatal(err)
	}
	defer outFile.Close()
	cmd := exec.Command(sseBinary(t), "record", srv.URL)
	cmd.Stdout, cmd.Stderr = outFile, term
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for !strings.Contains(screen.String(), "3 events") {
		select {
		case <-ctx.Done():
			t.Fatalf("no progress line with 3 events on the terminal; it shows %q", screen.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGINT: %v; want exit status 0", err)
	}
	got, err := os.ReadFile(outName)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != head {
		t.Errorf("recorded %q; want %q", got, head)
	}
	// The summary follows the progress line, which it erases.
	want := fmt.Sprintf("\rsse record: %d B, 3 events\x1b[K", len(head))
	for !strings.Contains(screen.String(), "; interrupted") {
		select {
		case <-ctx.Done():
			t.Fatalf("no summary on the terminal: %q", screen.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	s := screen.String()
	if !strings.Contains(s, want) || !strings.Contains(s, fmt.Sprintf("\r\x1b[Ksse record: recorded %d bytes, 3 events in ", len(head))) {
		t.Errorf("the terminal shows %q; want the progress %q and then the summary", s, want)
	}
	t.Logf("terminal: %q", s)
}
