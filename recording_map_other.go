//go:build !linux && !darwin

package sse

import (
	"io"
	"os"

	"golang.org/x/exp/mmap"
)

// A mapping is a file read through golang.org/x/exp/mmap, which maps it on
// Windows (where a mapped file cannot be truncated) and reads it with
// ReadAt elsewhere. A read that finds the file shorter than when it was
// opened returns ErrRecordingTruncated, as on the systems where the mapping is ours.
type mapping struct {
	m *mmap.ReaderAt
}

// openMapping maps the named file, f, whose size is size.
func openMapping(f *os.File, size int) (*mapping, error) {
	m, err := mmap.Open(f.Name())
	if err != nil {
		return nil, err
	}
	return &mapping{m: m}, nil
}

// len returns the size of the file when it was opened.
func (m *mapping) len() int { return m.m.Len() }

// readAt copies the bytes at off (0 <= off < m.len()) into p and returns
// how many it copied, or ErrRecordingTruncated.
func (m *mapping) readAt(p []byte, off int) (int, error) {
	n := min(len(p), m.m.Len()-off)
	got, err := m.m.ReadAt(p[:n], int64(off))
	if got < n {
		if err == nil || err == io.EOF {
			err = ErrRecordingTruncated
		}
		return 0, err
	}
	return n, nil
}

// close releases the mapping.
func (m *mapping) close() error { return m.m.Close() }
