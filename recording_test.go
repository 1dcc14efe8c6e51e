package sse_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/fastsse/sse"
)

const chatFile = "testdata/chat.sse"

// collect ranges over the events of s, failing the test on an error.
func collect(t *testing.T, s *sse.Scanner) []sse.Event {
	t.Helper()
	var evs []sse.Event
	for ev, err := range s.Events() {
		if err != nil {
			t.Fatalf("scanning: %v", err)
		}
		evs = append(evs, ev)
	}
	return evs
}

func TestRecordingScansLikeFile(t *testing.T) {
	rec, err := sse.OpenRecording(chatFile)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	s := rec.Scanner()
	got := collect(t, s)

	f, err := os.Open(chatFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ref := sse.NewScanner(f)
	want := collect(t, ref)

	if len(want) == 0 {
		t.Fatalf("%s holds no events", chatFile)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events through OpenRecording differ from os.Open:\n got %q\nwant %q", got, want)
	}
	// A small initial buffer makes the Scanner read the mapping in many
	// small windows, sliding and growing its buffer between them.
	small, err := sse.OpenRecording(chatFile)
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	ss := small.Scanner()
	ss.Buffer(make([]byte, 16), sse.DefaultMaxSize)
	if got := collect(t, ss); !reflect.DeepEqual(got, want) {
		t.Errorf("events through OpenRecording with a 16-byte buffer differ from os.Open:\n got %q\nwant %q", got, want)
	}
	gd, gok := s.Retry()
	wd, wok := ref.Retry()
	if gd != wd || gok != wok || s.LastEventID() != ref.LastEventID() {
		t.Errorf("stream state: recording retry %v,%v id %q; file retry %v,%v id %q",
			gd, gok, s.LastEventID(), wd, wok, ref.LastEventID())
	}
}

func TestRecordingReader(t *testing.T) {
	content, err := os.ReadFile(chatFile)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := sse.OpenRecording(chatFile)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	if rec.Len() != len(content) {
		t.Errorf("Len() = %d; want %d", rec.Len(), len(content))
	}
	// iotest.TestReader checks Read (in varied sizes) and ReadAt against
	// the file's contents; it reads from the current position, the start.
	if err := iotest.TestReader(rec, content); err != nil {
		t.Error(err)
	}
	if n, err := rec.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Errorf("Read at end = %d, %v; want 0, EOF", n, err)
	}
	if n, err := rec.Read(nil); n != 0 || err != nil {
		t.Errorf("Read(nil) at end = %d, %v; want 0, nil", n, err)
	}
	buf := make([]byte, 5)
	if n, err := rec.ReadAt(buf, int64(len(content))-3); n != 3 || err != io.EOF || !bytes.Equal(buf[:3], content[len(content)-3:]) {
		t.Errorf("ReadAt across the end = %d, %v, %q; want 3, EOF, %q", n, err, buf[:n], content[len(content)-3:])
	}
	if n, err := rec.ReadAt(buf, int64(len(content))+10); n != 0 || err != io.EOF {
		t.Errorf("ReadAt past the end = %d, %v; want 0, EOF", n, err)
	}
	if _, err := rec.ReadAt(buf, -1); err == nil {
		t.Errorf("ReadAt at offset -1: no error")
	}
}

func TestRecordingClose(t *testing.T) {
	rec, err := sse.OpenRecording(chatFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if err := rec.Close(); err != nil {
		t.Errorf("second Close: %v; want nil", err)
	}
	if _, err := rec.Read(make([]byte, 1)); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Read after Close: %v; want fs.ErrClosed", err)
	}
	if _, err := rec.ReadAt(make([]byte, 1), 0); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("ReadAt after Close: %v; want fs.ErrClosed", err)
	}
	if rec.Len() != 0 {
		t.Errorf("Len after Close = %d; want 0", rec.Len())
	}
	s := rec.Scanner()
	if s.Next() || !errors.Is(s.Err(), fs.ErrClosed) {
		t.Errorf("scanning a closed recording: Err() = %v; want fs.ErrClosed", s.Err())
	}
}

func TestOpenRecordingMissing(t *testing.T) {
	name := filepath.Join(t.TempDir(), "missing.sse")
	rec, err := sse.OpenRecording(name)
	if !errors.Is(err, fs.ErrNotExist) || rec != nil {
		t.Fatalf("OpenRecording(missing) = %v, %v; want nil, fs.ErrNotExist", rec, err)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != name {
		t.Errorf("error %v does not name the file %s", err, name)
	}
}

func TestOpenRecordingNotRegular(t *testing.T) {
	dir := t.TempDir()
	rec, err := sse.OpenRecording(dir)
	var pe *fs.PathError
	if err == nil || rec != nil || !errors.As(err, &pe) || pe.Path != dir {
		t.Fatalf("OpenRecording(directory) = %v, %v; want a *fs.PathError naming it", rec, err)
	}
}

func TestRecordingEmpty(t *testing.T) {
	name := filepath.Join(t.TempDir(), "empty.sse")
	if err := os.WriteFile(name, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err := sse.OpenRecording(name)
	if err != nil {
		t.Fatalf("OpenRecording(empty file): %v", err)
	}
	if rec.Len() != 0 {
		t.Errorf("Len() = %d; want 0", rec.Len())
	}
	if n, err := rec.Read(make([]byte, 16)); n != 0 || err != io.EOF {
		t.Errorf("Read = %d, %v; want 0, EOF", n, err)
	}
	s := rec.Scanner()
	if s.Next() {
		t.Errorf("empty recording yielded an event: %q", s.Data())
	}
	if err := s.Err(); err != nil {
		t.Errorf("empty recording: Err() = %v; want nil", err)
	}
	if err := rec.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := rec.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// writeEvents writes a recording of n events of about 100 bytes each and
// returns its name.
func writeEvents(t *testing.T, n int) string {
	t.Helper()
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "id: %d\ndata: %s\n\n", i, strings.Repeat("x", 90))
	}
	name := filepath.Join(t.TempDir(), "big.sse")
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestRecordingTruncatedUnderReader truncates the file while a Scanner
// reads its mapping. Without protection the next read of a page past the
// new end kills the process with SIGBUS; it must be an error instead.
func TestRecordingTruncatedUnderReader(t *testing.T) {
	for _, newSize := range []int64{0, 300_000} {
		for _, wasOn := range []bool{false, true} {
			name := writeEvents(t, 10_000) // about 1 MB
			rec, err := sse.OpenRecording(name)
			if err != nil {
				t.Fatal(err)
			}
			s := rec.Scanner()
			s.Buffer(make([]byte, 4096), sse.DefaultMaxSize)
			if !s.Next() {
				t.Fatalf("first event: %v", s.Err())
			}
			if err := os.Truncate(name, newSize); err != nil {
				t.Fatal(err)
			}
			prev := debug.SetPanicOnFault(wasOn)
			events := 1
			for s.Next() {
				events++
			}
			if now := debug.SetPanicOnFault(prev); now != wasOn {
				t.Errorf("SetPanicOnFault(%v) before reading became %v", wasOn, now)
			}
			err = s.Err()
			var pe *fs.PathError
			if !errors.Is(err, sse.ErrRecordingTruncated) || !errors.Is(err, io.ErrUnexpectedEOF) ||
				!errors.As(err, &pe) || pe.Path != name {
				t.Errorf("truncated to %d: Err() = %v; want a *fs.PathError naming the file, wrapping ErrRecordingTruncated and io.ErrUnexpectedEOF", newSize, err)
			}
			if events >= 10_000 || (newSize > 0 && events < 2_000) {
				t.Errorf("truncated to %d: %d events before the error", newSize, events)
			}
			t.Logf("truncated to %d bytes: %d events, then %v", newSize, events, err)

			// The sticky error of Read; ReadAt of what is left still works
			// and of what is gone fails.
			if _, err := rec.Read(make([]byte, 10)); !errors.Is(err, sse.ErrRecordingTruncated) {
				t.Errorf("Read after the fault: %v", err)
			}
			buf := make([]byte, 10)
			_, err = rec.ReadAt(buf, 0)
			if newSize == 0 && !errors.Is(err, sse.ErrRecordingTruncated) {
				t.Errorf("ReadAt(0) of a file truncated to 0: %v", err)
			}
			if newSize > 0 && (err != nil || string(buf) != "id: 0\ndata") {
				t.Errorf("ReadAt(0) = %q, %v; want the start of the file", buf, err)
			}
			if _, err := rec.ReadAt(buf, 900_000); !errors.Is(err, sse.ErrRecordingTruncated) {
				t.Errorf("ReadAt past the new end: %v", err)
			}
			if err := rec.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}
	}
}

// A recording whose file is cut short while it is read (a log rotated
// under the reader, say) ends with an error instead of crashing the program.
func ExampleErrRecordingTruncated() {
	dir, err := os.MkdirTemp("", "rec")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "stream.sse")
	stream := strings.Repeat("data: "+strings.Repeat("x", 1000)+"\n\n", 1000) // 1 MB
	if err := os.WriteFile(name, []byte(stream), 0o644); err != nil {
		log.Fatal(err)
	}

	rec, err := sse.OpenRecording(name)
	if err != nil {
		log.Fatal(err)
	}
	defer rec.Close()
	s := rec.Scanner()
	s.Next()
	os.Truncate(name, 0) // the file loses the pages still to read
	for s.Next() {
	}
	fmt.Println(errors.Is(s.Err(), sse.ErrRecordingTruncated))
	fmt.Println(errors.Is(s.Err(), io.ErrUnexpectedEOF))
	// Output:
	// true
	// true
}
