package sse

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Recording is a recorded event stream file, memory-mapped for reading.
//
// Scanning a recording through its mapping makes no read system calls: the
// file's pages are read straight from the operating system's page cache, and
// the only copy is the one into the Scanner's window of the stream, as the
// Scanner asks for more. A large recording therefore costs no heap beyond
// that window, and scanning it again is as fast as memory.
//
// A Recording is an [io.Reader] that reads the file from start to end, and
// an [io.ReaderAt]. It must be closed to release the mapping. Read is not
// safe for concurrent use; ReadAt is, except concurrently with Close.
//
// A file that is truncated while it is mapped (a log rotated, a recording
// being rewritten) no longer has the pages past its new end. Reading one
// would make the operating system stop the program (SIGBUS); a Recording
// catches that fault instead, and Read and ReadAt return an error wrapping
// [ErrRecordingTruncated], copying nothing of the read that faulted. Bytes
// between the new end of the file and the end of its last page read as
// zeros, as mapping works. Growing the file is harmless: the recording keeps
// the size it was opened with.
type Recording struct {
	name      string
	m         *mapping
	off       int64 // offset of the next Read
	closed    bool
	truncated error // the sticky error of Read once the file was found truncated
}

// ErrRecordingTruncated is wrapped by the error a [Recording] returns from
// Read and ReadAt when the file was truncated after it was opened, so that
// the part to read no longer exists. It matches [io.ErrUnexpectedEOF] too:
// errors.Is(err, io.ErrUnexpectedEOF) holds for it.
var ErrRecordingTruncated = fmt.Errorf("sse: recording truncated while mapped: %w", io.ErrUnexpectedEOF)

// errNotRegular is the error of opening something other than a regular
// file as a recording.
var errNotRegular = errors.New("not a regular file")

// OpenRecording memory-maps the named file for reading. The file must be a
// regular file: a pipe or a device has no fixed contents to map (read those
// with [NewScanner] on an [os.File]). An empty file is a valid recording of
// no events. Errors are [*fs.PathError]s; a missing file's satisfies
// errors.Is(err, fs.ErrNotExist).
func OpenRecording(name string) (*Recording, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errNotRegular}
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close() // the mapping outlives the file descriptor
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	size := fi.Size()
	if size != int64(int(size)) {
		return nil, &fs.PathError{Op: "mmap", Path: name, Err: errors.New("file too large to map")}
	}
	m, err := openMapping(f, int(size))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, &fs.PathError{Op: "mmap", Path: name, Err: err}
	}
	return &Recording{name: name, m: m}, nil
}

// Read reads up to len(p) bytes from the recording's current position into
// p, copying from the mapping with no system call. At the end of the
// recording it returns 0, [io.EOF].
func (r *Recording) Read(p []byte) (int, error) {
	if r.closed {
		return 0, r.closedErr("read")
	}
	if r.truncated != nil {
		return 0, r.truncated
	}
	if r.off >= int64(r.m.len()) {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	// Like bytes.Reader: data first, io.EOF on the next call.
	n, err := r.readAt(p, r.off)
	r.off += int64(n)
	if err != nil {
		r.truncated = err
	}
	return n, err
}

// ReadAt implements [io.ReaderAt]: it copies bytes from offset off of the
// recording into p. It does not move the position Read reads from.
func (r *Recording) ReadAt(p []byte, off int64) (int, error) {
	if r.closed {
		return 0, r.closedErr("read")
	}
	if off < 0 {
		return 0, &fs.PathError{Op: "read", Path: r.name, Err: errors.New("negative offset")}
	}
	if off >= int64(r.m.len()) {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	n, err := r.readAt(p, off)
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

// readAt copies from the mapping at off, which is inside it, into p,
// naming the file in the error of a truncated recording.
func (r *Recording) readAt(p []byte, off int64) (int, error) {
	n, err := r.m.readAt(p, int(off))
	if err != nil {
		return 0, &fs.PathError{Op: "read", Path: r.name, Err: err}
	}
	return n, nil
}

// Len returns the size of the recording in bytes, or 0 once it is closed.
func (r *Recording) Len() int {
	if r.closed {
		return 0
	}
	return r.m.len()
}

// Scanner returns a new [Scanner] that reads the recording's events from
// its current position; it is NewScanner(r).
func (r *Recording) Scanner() *Scanner {
	return NewScanner(r)
}

// Close unmaps the recording. Reading after Close returns an error wrapping
// [fs.ErrClosed]; closing again does nothing and returns nil.
func (r *Recording) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if err := r.m.close(); err != nil {
		return &fs.PathError{Op: "munmap", Path: r.name, Err: err}
	}
	return nil
}

// closedErr is the error of using a closed recording.
func (r *Recording) closedErr(op string) error {
	return &fs.PathError{Op: op, Path: r.name, Err: fs.ErrClosed}
}
