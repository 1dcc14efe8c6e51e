package loadtest

import (
	"os"
	"runtime"
)

// hogMain keeps every core busy until its parent closes its stdin.
func hogMain() error {
	for range runtime.NumCPU() {
		go spin()
	}
	emit("spinning")
	readStdin(func(string) {}) // exits
	return nil
}

// spin burns CPU forever.
func spin() {
	x := uint64(1)
	for {
		x = x*6364136223846793005 + 1442695040888963407
		if x == 0 {
			os.Exit(3) // never: keeps the loop from being optimised away
		}
	}
}
