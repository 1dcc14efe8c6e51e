package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
)

// listenAndServe listens on addr, has announce say where, and runs serve
// on the listener until it returns; ctx is cancelled on SIGINT or SIGTERM,
// which serve takes as the word to shut down. Errors go to stderr, after
// the command's name. It returns the command's exit code.
func listenAndServe(ctx context.Context, name, addr string, stderr io.Writer,
	announce func(net.Addr), serve func(context.Context, net.Listener) error) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitFail
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	announce(ln.Addr())
	if err := serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitFail
	}
	return exitOK
}
