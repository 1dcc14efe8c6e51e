//go:build linux || darwin

package sse

import (
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
	"unsafe"
)

// A mapping is a file mapped read-only into memory. Its bytes are read
// only through readAt, which turns the fault of reading a page the file no
// longer has (it was truncated after it was mapped) into ErrRecordingTruncated
// instead of a crash.
type mapping struct {
	data    []byte // nil for an empty file, which is not mapped
	cleanup runtime.Cleanup
}

// openMapping maps the whole of f, whose size is size.
func openMapping(f *os.File, size int) (*mapping, error) {
	if size == 0 {
		// mmap(2) refuses a length of 0.
		return &mapping{}, nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	m := &mapping{data: data}
	// A Recording dropped without Close does not keep its mapping for ever.
	m.cleanup = runtime.AddCleanup(m, func(data []byte) { syscall.Munmap(data) }, data)
	return m, nil
}

// len returns the size of the mapping: the file's size when it was mapped.
func (m *mapping) len() int { return len(m.data) }

// readAt copies the bytes at off (0 <= off < m.len()) into p and returns
// how many it copied, or ErrRecordingTruncated, having copied nothing it reports.
func (m *mapping) readAt(p []byte, off int) (int, error) {
	n := min(len(p), len(m.data)-off)
	ok := m.copyOut(p[:n], m.data[off:off+n])
	runtime.KeepAlive(m) // no cleanup unmaps the data while it is copied
	if !ok {
		return 0, ErrRecordingTruncated
	}
	return n, nil
}

// close unmaps the file.
func (m *mapping) close() error {
	if m.data == nil {
		return nil
	}
	m.cleanup.Stop()
	data := m.data
	m.data = nil
	return syscall.Munmap(data)
}

// copyOut copies src, a part of the mapping, into dst and reports whether
// it could: false when reading src faulted because the file was truncated
// under the mapping (the kernel sends SIGBUS for a page past the end of the
// file).
//
// While it copies, runtime/debug.SetPanicOnFault makes such a fault a
// panic of this goroutine instead of the end of the process; the panic is
// recovered when its address lies in the mapping, and any other panic goes
// on. The goroutine's previous setting is restored.
func (m *mapping) copyOut(dst, src []byte) (ok bool) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if ok {
			return
		}
		e := recover()
		if !m.faultedIn(e) {
			panic(e)
		}
	}()
	copy(dst, src)
	return true
}

// faultedIn reports whether e, a recovered panic value, is the runtime
// error of a memory fault at an address inside the mapping.
func (m *mapping) faultedIn(e any) bool {
	if _, ok := e.(runtime.Error); !ok {
		return false
	}
	fault, ok := e.(interface{ Addr() uintptr })
	if !ok || len(m.data) == 0 {
		return false
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(m.data)))
	addr := fault.Addr()
	return addr >= start && addr-start < uintptr(len(m.data))
}
