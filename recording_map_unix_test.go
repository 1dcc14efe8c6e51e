//go:build linux || darwin

package sse

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

// TestCopyOutFaultElsewhere checks that copyOut recovers only the faults of
// its own mapping: a fault at another address is not a truncated recording,
// and its panic goes on.
func TestCopyOutFaultElsewhere(t *testing.T) {
	name := filepath.Join(t.TempDir(), "rec.sse")
	if err := os.WriteFile(name, []byte("data: x\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := openMapping(f, 9)
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()

	// A page that faults when read: mapped with no access.
	other, err := syscall.Mmap(-1, 0, os.Getpagesize(), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(other)

	var recovered any
	func() {
		defer func() { recovered = recover() }()
		m.copyOut(make([]byte, 8), other[:8])
	}()
	if _, ok := recovered.(runtime.Error); !ok {
		t.Fatalf("copyOut of a faulting page outside the mapping: recovered %v; want the runtime.Error to go on", recovered)
	}
	// The mapping itself still reads.
	buf := make([]byte, 9)
	if n, err := m.readAt(buf, 0); n != 9 || err != nil || string(buf) != "data: x\n\n" {
		t.Errorf("readAt = %d, %v, %q", n, err, buf)
	}
}
