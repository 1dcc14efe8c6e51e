package hub_test

import (
	"testing"

	"github.com/fastsse/sse/hub"
	"github.com/fastsse/sse/hub/logtest"
)

func TestMemoryLogConformance(t *testing.T) {
	logtest.Run(t, func(t *testing.T, lim hub.WindowLimits) hub.Log { return hub.NewMemoryLog(lim) })
}
