package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version returns the version line of the program: the module version it
// was built from (as "go install module@version" records it, or a pseudo
// version from the checkout's commit), "(devel)" when there is none, with
// the module path and the Go release.
func version() string {
	v, path := "(devel)", "github.com/fastsse/sse"
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			v = info.Main.Version
		}
		if info.Main.Path != "" {
			path = info.Main.Path
		}
	}
	return fmt.Sprintf("sse version %s (%s, %s)", v, path, runtime.Version())
}

// printVersion prints the version line.
func printVersion(w io.Writer) int {
	fmt.Fprintln(w, version())
	return exitOK
}
