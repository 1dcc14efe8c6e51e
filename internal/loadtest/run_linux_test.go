package loadtest

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestNoProcessOutlivesRun checks that when Run returns, the server, the
// fleet and the hog (all this test binary re-executed) are gone.
func TestNoProcessOutlivesRun(t *testing.T) {
	sc := small()
	sc.Hog, sc.Stalled = true, true
	if _, err := Run("plain", sc); err != nil {
		t.Fatal(err)
	}
	if _, err := Run("failing", small()); err == nil {
		t.Fatal("Run against a server that refuses: no error")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	pids, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pids {
		pid, _ := strconv.Atoi(filepath.Base(p))
		if pid == os.Getpid() {
			continue
		}
		if exe, err := os.Readlink(p + "/exe"); err == nil && exe == self {
			t.Errorf("process %d (%s) outlived Run", pid, exe)
		}
	}
}
