package redis

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/fastsse/sse/hub"
	"github.com/fastsse/sse/hub/logtest"
	"github.com/fastsse/sse/hub/redis/redistest"
)

// names gives each log of a test run its own hub name.
var names atomic.Int64

func uniqueName(t testing.TB) string {
	return fmt.Sprintf("t%d", names.Add(1))
}

func TestConformance(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	logtest.Run(t, func(t *testing.T, lim hub.WindowLimits) hub.Log {
		l, err := New(srv.URL(), WithName(uniqueName(t)), WithWindow(lim))
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}
