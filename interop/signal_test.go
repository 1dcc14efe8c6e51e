package interop

import "os"

// interrupt is the signal that asks `sse serve` to shut down.
var interrupt = os.Interrupt
